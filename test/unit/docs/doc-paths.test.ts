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

/**
 * The folders of the layout tree in ARCHITECTURE.md (the first code block after
 * "## Layout"): two spaces of indent per level, a line's first words up to two
 * spaces are its names ("gcclassic/, gchp/" names two).
 */
function layoutTreePaths(markdown: string): string[] {
  const section = markdown.slice(markdown.indexOf('## Layout'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const parents: string[] = [];
  const out: string[] = [];
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    const depth = (line.length - line.trimStart().length) / 2;
    const names = line
      .trim()
      .split(/\s{2,}/)[0]!
      .split(/,\s*/)
      .filter(Boolean);
    parents.length = depth;
    for (const name of names) out.push([...parents, name].join(''));
    parents[depth] = names[0]!;
  }
  return out;
}

describe('paths the docs name', () => {
  it.each(DOCS)('%s names only paths that exist', (doc) => {
    const missing = namedPaths(readFileSync(path.join(repoRoot, doc), 'utf8')).filter((p) => !exists(p));
    expect(missing).toEqual([]);
  });

  it('ARCHITECTURE.md has a layout tree of the repository, and every path in it exists', () => {
    const tree = layoutTreePaths(readFileSync(path.join(repoRoot, 'docs/ARCHITECTURE.md'), 'utf8'));
    expect(tree.length).toBeGreaterThan(40);
    expect(tree).toEqual(
      expect.arrayContaining(['services/submission/', 'shared/science/rundir/', 'cli/commands/']),
    );
    expect(tree.filter((p) => !existsSync(path.join(repoRoot, p)))).toEqual([]);
  });

  it('finds the paths in backticks and ignores words that are not repository paths', () => {
    expect(
      namedPaths(
        'see `shared/kernel/status.ts`, `npm test`, `simulations/<id>/rundir/` and `services/<name>/serverless.yml`.',
      ),
    ).toEqual(['shared/kernel/status.ts', 'services/<name>/serverless.yml']);
  });
});
