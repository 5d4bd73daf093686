// Validation of EventBridge event patterns, with the rules AWS applies when a rule is created
// (aws/event-ruler's JsonRuleCompiler): every problem is reported with the dotted path where it is, e.g.
// `detail.state: a pattern leaf must be an array` or `detail.$or[1].size[0].numeric: …`.

import {
  OR_KEY,
  RESERVED_IN_OR,
  isPlainObject,
  numericOperandProblem,
  parseCidr,
  parseWildcard,
  type JsonObject,
} from './pattern-support.js';

/** Human-readable problems with `pattern` as an EventBridge event pattern; empty when it is valid. */
export function validateEventPattern(pattern: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(pattern)) {
    problems.push(`${where('')}: an event pattern must be a JSON object`);
    return problems;
  }
  validateObject(pattern, '', false, problems);
  return problems;
}

function where(path: string): string {
  return path === '' ? '(root)' : path;
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? String(value)}`;
}

function validateObject(obj: JsonObject, path: string, insideOr: boolean, problems: string[]): void {
  const keys = Object.keys(obj);
  if (keys.length === 0) {
    problems.push(`${where(path)}: empty objects are not allowed`);
    return;
  }
  for (const key of keys) {
    const value = obj[key];
    const at = child(path, key);
    if (key === OR_KEY) {
      validateOr(value, at, problems);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push(`${at}: "${key}" is a reserved word and cannot be used as a field name inside $or`);
    }
    if (Array.isArray(value)) validateLeaf(value, at, problems);
    else if (isPlainObject(value)) validateObject(value, at, insideOr, problems);
    else problems.push(`${at}: a pattern leaf must be an array (got ${describe(value)})`);
  }
}

function validateOr(value: unknown, at: string, problems: string[]): void {
  if (!Array.isArray(value) || value.length < 2) {
    problems.push(`${at}: $or must be an array of at least 2 objects`);
  }
  if (!Array.isArray(value)) return;
  value.forEach((branch, i) => {
    const branchPath = `${at}[${i}]`;
    if (isPlainObject(branch)) validateObject(branch, branchPath, true, problems);
    else problems.push(`${branchPath}: each $or branch must be an object (got ${describe(branch)})`);
  });
}

function validateLeaf(items: readonly unknown[], at: string, problems: string[]): void {
  if (items.length === 0) {
    problems.push(`${at}: empty arrays are not allowed`);
    return;
  }
  items.forEach((item, i) => {
    const itemPath = `${at}[${i}]`;
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return;
    if (typeof item === 'number' && Number.isFinite(item)) return;
    if (isPlainObject(item)) {
      validateMatchExpression(item, itemPath, problems);
      return;
    }
    problems.push(
      `${itemPath}: a match value must be a string, number, boolean, null or a match expression object (got ${describe(item)})`,
    );
  });
}

const MATCH_TYPES = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
] as const;

function validateMatchExpression(expr: JsonObject, at: string, problems: string[]): void {
  const keys = Object.keys(expr);
  if (keys.length !== 1) {
    problems.push(
      keys.length === 0
        ? `${at}: a match expression must name its match type, e.g. {"prefix": "abc"}`
        : `${at}: only one key is allowed in a match expression (found ${keys.map((k) => `"${k}"`).join(', ')})`,
    );
    return;
  }
  const op = keys[0] as string;
  const operand = expr[op];
  const opPath = `${at}.${op}`;
  const problem = (message: string): void => {
    problems.push(`${opPath}: ${message}`);
  };
  switch (op) {
    case 'prefix':
    case 'suffix':
      if (typeof operand === 'string') return;
      if (isPlainObject(operand)) {
        const inner = Object.keys(operand);
        if (inner.length !== 1 || inner[0] !== 'equals-ignore-case') {
          problem(`unsupported ${op} pattern (only {"equals-ignore-case": "<string>"} may be nested)`);
        } else if (typeof operand['equals-ignore-case'] !== 'string') {
          problem('equals-ignore-case match pattern must be a string');
        }
        return;
      }
      problem(`${op} match pattern must be a string or {"equals-ignore-case": "<string>"}`);
      return;
    case 'equals-ignore-case':
      if (typeof operand !== 'string') problem('equals-ignore-case match pattern must be a string');
      return;
    case 'wildcard':
      validateWildcard(operand, problem);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') problem('exists match pattern must be either true or false');
      return;
    case 'cidr':
      if (typeof operand !== 'string') {
        problem('cidr match pattern must be a string such as "10.0.0.0/24"');
      } else {
        const parsed = parseCidr(operand);
        if (!parsed.ok) problem(parsed.error);
      }
      return;
    case 'numeric':
      validateNumeric(operand, problem);
      return;
    case 'anything-but':
      validateAnythingBut(operand, opPath, problems);
      return;
    default:
      problems.push(`${at}: unrecognized match type "${op}" (expected one of ${MATCH_TYPES.join(', ')})`);
  }
}

function validateWildcard(operand: unknown, problem: (message: string) => void): void {
  if (typeof operand !== 'string') {
    problem('wildcard match pattern must be a string');
    return;
  }
  const parsed = parseWildcard(operand);
  if (!parsed.ok) problem(parsed.error);
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

function validateNumeric(operand: unknown, problem: (message: string) => void): void {
  if (!Array.isArray(operand)) {
    problem('value of numeric must be an array such as [">", 0, "<=", 5]');
    return;
  }
  const [op, first, op2, second] = operand as unknown[];
  if (typeof op !== 'string' || !(op === '=' || LOWER_BOUNDS.has(op) || UPPER_BOUNDS.has(op))) {
    problem(
      `unrecognized numeric operator ${JSON.stringify(op) ?? 'undefined'} (expected =, <, <=, > or >=)`,
    );
    return;
  }
  const firstProblem = numericOperandProblem(first);
  if (firstProblem !== undefined) {
    problem(`value of "${op}": ${firstProblem}`);
    return;
  }
  if (operand.length === 2) return;
  if (!LOWER_BOUNDS.has(op)) {
    problem(`too many elements in numeric expression (only ">" and ">=" may be followed by "<" or "<=")`);
    return;
  }
  if (typeof op2 !== 'string' || !UPPER_BOUNDS.has(op2)) {
    problem(`bad numeric range operator ${JSON.stringify(op2) ?? 'undefined'} (expected "<" or "<=")`);
    return;
  }
  const secondProblem = numericOperandProblem(second);
  if (secondProblem !== undefined) {
    problem(`value of "${op2}": ${secondProblem}`);
    return;
  }
  if (operand.length > 4) {
    problem('too many terms in numeric range expression');
    return;
  }
  if (!((first as number) < (second as number))) problem('the lower bound must be less than the upper bound');
}

const ANYTHING_BUT_NESTED = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'];

function validateAnythingBut(operand: unknown, at: string, problems: string[]): void {
  const problem = (path: string, message: string): void => {
    problems.push(`${path}: ${message}`);
  };
  if (typeof operand === 'string') return;
  if (typeof operand === 'number') {
    const numberProblem = numericOperandProblem(operand);
    if (numberProblem !== undefined) problem(at, numberProblem);
    return;
  }
  if (Array.isArray(operand)) {
    let strings = 0;
    let numbers = 0;
    operand.forEach((value, i) => {
      if (typeof value === 'string') {
        strings++;
      } else if (typeof value === 'number') {
        numbers++;
        const numberProblem = numericOperandProblem(value);
        if (numberProblem !== undefined) problem(`${at}[${i}]`, numberProblem);
      } else {
        problem(
          `${at}[${i}]`,
          `anything-but list values must be strings or numbers (got ${describe(value)})`,
        );
      }
    });
    if (operand.length === 0) problem(at, 'an anything-but list must not be empty');
    else if (strings > 0 && numbers > 0)
      problem(at, 'an anything-but list must hold only strings or only numbers');
    return;
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1) {
      problem(at, `an anything-but object must have exactly one of ${ANYTHING_BUT_NESTED.join(', ')}`);
      return;
    }
    const op = keys[0] as string;
    const opPath = `${at}.${op}`;
    if (!ANYTHING_BUT_NESTED.includes(op)) {
      problem(
        at,
        `unsupported anything-but pattern "${op}" (expected one of ${ANYTHING_BUT_NESTED.join(', ')})`,
      );
      return;
    }
    const value = operand[op];
    const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (texts === undefined) {
      problem(opPath, `${op} must be a string or a list of strings`);
      return;
    }
    texts.forEach((text: unknown, i) => {
      const textPath = typeof value === 'string' ? opPath : `${opPath}[${i}]`;
      if (typeof text !== 'string') {
        problem(textPath, `${op} values must be strings (got ${describe(text)})`);
      } else if ((op === 'prefix' || op === 'suffix') && text === '') {
        problem(textPath, `an empty ${op} is not allowed`);
      } else if (op === 'wildcard') {
        validateWildcard(text, (message) => problem(textPath, message));
      }
    });
    return;
  }
  problem(
    at,
    `anything-but must be a string, a number, a list of strings or of numbers, or an object with one of ${ANYTHING_BUT_NESTED.join(', ')} (got ${describe(operand)})`,
  );
}
