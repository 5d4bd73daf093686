/**
 * cli/ has no import cycles (type-only imports count too): modules that import
 * each other are one module badly cut, and load in an order that depends on
 * who imports first.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const cliDir = fileURLToPath(new URL('../../../cli', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each file's relative imports (static, type-only, re-exports and dynamic), as files. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      path.relative(dir, file),
      importedFiles
        .map((f) => f.fileName)
        .filter((name) => name.startsWith('./') || name.startsWith('../'))
        .map((name) => path.relative(dir, path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts')))),
    );
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path that closes it (`a -> b -> a`). */
function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    const at = stack.indexOf(node);
    if (at >= 0) {
      cycles.push([...stack.slice(at), node].join(' -> '));
      return;
    }
    if (done.has(node)) return;
    stack.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    stack.pop();
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}

describe('the import graph of cli/', () => {
  it('has no cycles', () => {
    const graph = importGraph(cliDir);
    expect(graph.size).toBeGreaterThan(20);
    expect(graph.get('context.ts')).toEqual(expect.arrayContaining(['format.ts', 'polling.ts']));
    expect(findCycles(graph)).toEqual([]);
  });

  it('the cycle finder names a cycle, type-only imports included', () => {
    const dir = path.join(cliDir, 'x');
    const graph = new Map<string, string[]>([
      ['context.ts', ['format.ts', 'polling.ts']],
      ['format.ts', []],
      ['polling.ts', ['context.ts']],
    ]);
    expect(findCycles(graph)).toEqual(['context.ts -> polling.ts -> context.ts']);
    const { importedFiles } = ts.preProcessFile(
      "import type { A } from './a.js';\nexport * from '../b.js';\n",
    );
    expect(importedFiles.map((f) => path.resolve(dir, f.fileName))).toEqual([
      path.join(dir, 'a.js'),
      path.join(cliDir, 'b.js'),
    ]);
  });
});
