/**
 * Where is a JSON text broken? `JSON.parse` in Node 20 does not always say
 * (e.g. "Unexpected token '}', ... is not valid JSON"), so when it fails we
 * scan the text once more with a small strict scanner that reports the offset
 * of the first error, then turn it into a line and column for the user.
 */

export interface JsonSyntaxProblem {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column (in UTF-16 code units). */
  column: number;
  /** What was wrong there, in words. */
  message: string;
  /** The offending line and a caret under the column, for display. */
  excerpt: string[];
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly what: string,
  ) {
    super(what);
  }
}

export function locateJsonError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const n = text.length;

  const fail = (what: string, at = i): never => {
    throw new Stop(at, at >= n ? `unexpected end of input (${what})` : what);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const show = (at: number): string => (at >= n ? 'end of input' : JSON.stringify(text[at]));

  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in string (use \\n, \\t …)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in string', i);
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail('bad escape in string', i);
        }
        continue;
      }
      i++;
    }
  };

  const digits = (what: string): void => {
    if (!/[0-9]/.test(text[i] ?? '')) fail(what);
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };

  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits('expected a digit');
    if (text[i] === '.') {
      i++;
      digits('expected a digit after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('expected a digit in the exponent');
    }
  };

  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${show(i)}: not a JSON value (strings need double quotes)`);
  };

  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === undefined) fail('expected a value');
    else fail(`unexpected ${show(i)}: expected a value${c === "'" ? ' (strings need double quotes)' : ''}`);
  };

  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') {
        fail(
          text[i] === '}'
            ? 'trailing comma before "}"'
            : `unexpected ${show(i)}: expected a property name in double quotes`,
        );
      }
      string();
      ws();
      if (text[i] !== ':') fail(`unexpected ${show(i)}: expected ":" after the property name`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`unexpected ${show(i)}: expected "," or "}" (a comma may be missing)`);
    }
  };

  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] === ']') fail('trailing comma before "]"');
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`unexpected ${show(i)}: expected "," or "]" (a comma may be missing)`);
    }
  };

  try {
    ws();
    if (i >= n) throw new Stop(i, 'the file is empty');
    value();
    ws();
    if (i < n) fail(`unexpected ${show(i)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) return undefined; // e.g. stack overflow on absurd nesting
    return withPosition(text, error.offset, error.what);
  }
}

function withPosition(text: string, offset: number, message: string): JsonSyntaxProblem {
  const at = Math.min(offset, text.length);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const column = at - lineStart + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  let lineText = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  let caret = column - 1;
  // Long (e.g. minified) lines: show a window around the error.
  const width = 70;
  if (lineText.length > 2 * width) {
    const from = Math.max(0, caret - width);
    const to = Math.min(lineText.length, caret + width);
    lineText = `${from > 0 ? '…' : ''}${lineText.slice(from, to)}${to < lineText.length ? '…' : ''}`;
    caret = caret - from + (from > 0 ? 1 : 0);
  }
  const gutter = `${line} | `;
  const excerpt = [
    `${gutter}${lineText}`,
    `${' '.repeat(gutter.length - 2)}| ${lineText.slice(0, caret).replace(/[^\t]/g, ' ')}^`,
  ];
  return { offset: at, line, column, message, excerpt };
}
