/**
 * The docs name files and folders of this repository in backticks
 * (`shared/kernel/status.ts`, `services/<name>/serverless.yml`); every one of
 * them must exist, so that a move or a rename that forgets a doc fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const TOP_LEVEL = [
  'bin/',
  'cli/',
  'containers/',
  'docs/',
  'examples/',
  'local/',
  'runbooks/',
  'schemas/',
  'scripts/',
  'services/',
  'shared/',
  'test/',
  '.ci/',
];

const DOCS = [
  'README.md',
  'containers/README.md',
  'local/batch/README.md',
  ...readdirSync(path.join(repoRoot, 'docs')).map((f) => `docs/${f}`),
  ...readdirSync(path.join(repoRoot, 'runbooks')).map((f) => `runbooks/${f}`),
].filter((f) => f.endsWith('.md'));

/** Repository paths named in backticks: the first word of the span, when it starts with a top-level folder. */
function namedPaths(markdown: string): string[] {
  const out = new Set<string>();
  for (const match of markdown.matchAll(/`([^`\n]+)`/g)) {
    const word = match[1]!
      .trim()
      .split(/\s+/)[0]!
      .replace(/[),.:;]+$/, '');
    if (!TOP_LEVEL.some((top) => word.startsWith(top))) continue;
    out.add(word);
  }
  return [...out];
}

/** Whether a named path exists; `<name>` and `*` stand for any one path segment (at least one must exist). */
function exists(named: string): boolean {
  const segments = named.replace(/\/$/, '').split('/');
  let candidates = [repoRoot];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of candidates) {
      if (/[<*{]/.test(segment)) {
        const pattern = new RegExp(
          `^${segment.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/<[^>]+>|\*|\{[^}]*\}/g, '.+')}$`,
        );
        let entries: string[] = [];
        try {
          entries = readdirSync(dir);
        } catch {
          continue;
        }
        for (const entry of entries) if (pattern.test(entry)) next.push(path.join(dir, entry));
      } else if (existsSync(path.join(dir, segment))) {
        next.push(path.join(dir, segment));
      }
    }
    candidates = next;
    if (candidates.length === 0) return false;
  }
  return true;
}

describe('paths the docs name', () => {
  it.each(DOCS)('%s names only paths that exist', (doc) => {
    const missing = namedPaths(readFileSync(path.join(repoRoot, doc), 'utf8')).filter((p) => !exists(p));
    expect(missing).toEqual([]);
  });

  it('finds the paths in backticks and ignores words that are not repository paths', () => {
    expect(
      namedPaths(
        'see `shared/kernel/status.ts`, `npm test`, `simulations/<id>/rundir/` and `services/<name>/serverless.yml`.',
      ),
    ).toEqual(['shared/kernel/status.ts', 'services/<name>/serverless.yml']);
  });
});
