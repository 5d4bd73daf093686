import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleIsStale } from '#local/console/build-console.js';

function checkout(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'gcr-console-build-'));
  mkdirSync(path.join(root, 'web', 'src', 'pages'), { recursive: true });
  mkdirSync(path.join(root, 'web', 'dist'), { recursive: true });
  writeFileSync(path.join(root, 'web', 'src', 'pages', 'Page.tsx'), 'export {};');
  writeFileSync(path.join(root, 'web', 'dist', 'index.html'), '<html></html>');
  const before = new Date(Date.now() - 60_000);
  utimesSync(path.join(root, 'web', 'src', 'pages', 'Page.tsx'), before, before);
  return root;
}

describe('the console build (npm start, e2e tests)', () => {
  it('keeps web/dist while nothing it is built from changed', () => {
    expect(consoleIsStale(checkout())).toBe(false);
  });

  it('is stale once a page changed after the build, so a pulled change is not served old', () => {
    const root = checkout();
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'web', 'src', 'pages', 'Page.tsx'), later, later);
    expect(consoleIsStale(root)).toBe(true);
  });
});
