/**
 * Line edits with the semantics of the `sed` commands createRunDir.sh's helper
 * scripts run on a new run directory: a substitution changes the first match
 * on each line (no `g` flag), a deletion drops every line that matches, an
 * append adds lines after every line that matches. Patterns are JavaScript
 * regular expressions (or literal strings) without the `g` flag.
 */

type Pattern = string | RegExp;

function matches(line: string, pattern: Pattern): boolean {
  return typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line);
}

function mapLines(text: string, edit: (line: string) => string[]): string {
  return text
    .split('\n')
    .flatMap((line) => edit(line))
    .join('\n');
}

/** `sed 's|pattern|replacement|'`: the first match on every line. `$1` etc. refer to groups of a RegExp. */
export function substitute(text: string, pattern: Pattern, replacement: string): string {
  return mapLines(text, (line) => [
    typeof pattern === 'string'
      ? line.replace(pattern, () => replacement)
      : line.replace(pattern, replacement),
  ]);
}

/** `sed '/pattern/d'`. */
export function deleteLines(text: string, pattern: Pattern): string {
  return mapLines(text, (line) => (matches(line, pattern) ? [] : [line]));
}

/** `sed '/pattern/a text'`: `lines` after every line that matches. */
export function appendAfter(text: string, pattern: Pattern, lines: readonly string[]): string {
  return mapLines(text, (line) => (matches(line, pattern) ? [line, ...lines] : [line]));
}

/** A YAML list item as geoschem_config.yml writes species: six spaces, a dash, the name. */
export function listItem(name: string): string {
  return `      - ${name}`;
}

/** Names `prefix` + `from`..`to`, zero-padded to `width` digits (`bins('NK', 1, 3, 2)` = NK01, NK02, NK03). */
export function bins(prefix: string, from: number, to: number, width = 1): string[] {
  const names: string[] = [];
  for (let i = from; i <= to; i++) names.push(`${prefix}${String(i).padStart(width, '0')}`);
  return names;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
