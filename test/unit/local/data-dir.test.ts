/**
 * Finding "The local data dir is world-readable" (issue 12): the data
 * directory is made 0700 and its secrets 0600, and one made looser before is
 * tightened at start with a warning.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secureDataDir, writeSecretFile } from '#local/data-dir.js';

let parent: string;

beforeEach(() => {
  parent = mkdtempSync(path.join(os.tmpdir(), 'gcr-data-dir-'));
});

afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

function mode(file: string): string {
  return (statSync(file).mode & 0o777).toString(8);
}

describe('The local data dir is world-readable', () => {
  it('creates a missing data directory readable by its owner only, and says nothing', () => {
    const dataDir = path.join(parent, 'nested', '.gcr');
    const warnings: string[] = [];
    secureDataDir(dataDir, (w) => warnings.push(w));
    expect(mode(dataDir)).toBe('700');
    expect(warnings).toEqual([]);
  });

  it('tightens an existing directory, its auth folder, key and platform.json, warning for each', () => {
    const dataDir = path.join(parent, '.gcr');
    mkdirSync(path.join(dataDir, 'auth'), { recursive: true });
    writeFileSync(path.join(dataDir, 'auth', 'jwt-key.json'), '{}');
    writeFileSync(path.join(dataDir, 'platform.json'), '{}');
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'auth'), 0o755);
    chmodSync(path.join(dataDir, 'auth', 'jwt-key.json'), 0o644);
    chmodSync(path.join(dataDir, 'platform.json'), 0o644);
    const warnings: string[] = [];
    secureDataDir(dataDir, (w) => warnings.push(w));
    expect(mode(dataDir)).toBe('700');
    expect(mode(path.join(dataDir, 'auth'))).toBe('700');
    expect(mode(path.join(dataDir, 'auth', 'jwt-key.json'))).toBe('600');
    expect(mode(path.join(dataDir, 'platform.json'))).toBe('600');
    expect(warnings).toEqual([
      `${dataDir} was mode 0755 (other users could read it): set to 0700`,
      `${path.join(dataDir, 'auth')} was mode 0755 (other users could read it): set to 0700`,
      `${path.join(dataDir, 'auth', 'jwt-key.json')} was mode 0644 (other users could read it): set to 0600`,
      `${path.join(dataDir, 'platform.json')} was mode 0644 (other users could read it): set to 0600`,
    ]);
    // A second start finds nothing to change.
    const again: string[] = [];
    secureDataDir(dataDir, (w) => again.push(w));
    expect(again).toEqual([]);
  });

  it('writes a secret file 0600 from its first byte, also over a looser one', () => {
    const file = path.join(parent, 'platform.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    writeSecretFile(file, '{"tokenSecret":"s"}\n');
    expect(mode(file)).toBe('600');
  });
});
