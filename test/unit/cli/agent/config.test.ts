import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AgentConfigError,
  CredentialFileModeError,
  loadAgentConfig,
  readSiteCredential,
} from '#cli/agent/config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-agent-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = `gcrsite_0123456789abcdef_${'a'.repeat(64)}`;

function writeConfig(fields: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'agent.json');
  writeFileSync(
    file,
    JSON.stringify({
      platformUrl: 'http://127.0.0.1:3000',
      site: 'campus',
      credentialFile: 'site.secret',
      extDataRoot: '/data/ExtData',
      workRoot: '/scratch/gcr',
      ...fields,
    }),
  );
  return file;
}

describe("the agent's configuration and credential", () => {
  it('reads the configuration, fills its defaults and resolves the credential next to it', async () => {
    const config = await loadAgentConfig(writeConfig(), 'campus');
    expect(config).toMatchObject({
      credentialFile: path.join(dir, 'site.secret'),
      pollSeconds: 10,
      receiveWaitSeconds: 10,
    });
    expect(config.demoModelCommand.at(-1)).toMatch(/containers\/demo-model\/src\/main\.ts$/);
  });

  it('refuses a configuration of another site, or one outside its schema, naming the field', async () => {
    await expect(loadAgentConfig(writeConfig(), 'other')).rejects.toThrow(/is for site campus, not other/);
    const invalid = loadAgentConfig(writeConfig({ workRoot: 'relative/path' }), 'campus');
    await expect(invalid).rejects.toBeInstanceOf(AgentConfigError);
    await expect(invalid).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'config.workRoot' })],
    });
  });

  it('reads a credential file of mode 0600', async () => {
    const file = path.join(dir, 'site.secret');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    await expect(readSiteCredential(file)).resolves.toBe(SECRET);
  });

  it('refuses a credential file others can read, and says how to fix it', async () => {
    const file = path.join(dir, 'site.secret');
    writeFileSync(file, SECRET);
    chmodSync(file, 0o644);
    const refused = readSiteCredential(file);
    await expect(refused).rejects.toBeInstanceOf(CredentialFileModeError);
    await expect(refused).rejects.toThrow(
      `has mode 644: it must be readable by its owner only (run: chmod 600 ${file})`,
    );
    chmodSync(file, 0o640);
    await expect(readSiteCredential(file)).rejects.toBeInstanceOf(CredentialFileModeError);
  });

  it('refuses a credential file that holds no site secret', async () => {
    const file = path.join(dir, 'site.secret');
    writeFileSync(file, 'eyJhbGciOi...', { mode: 0o600 });
    await expect(readSiteCredential(file)).rejects.toThrow(/does not hold a gcrsite_/);
  });
});
