/** The local OpenID provider's users file: scrypt passwords, groups, mode 0600. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  addLocalUser,
  checkLocalUserPassword,
  readLocalUsers,
  removeLocalUser,
  setLocalUserGroups,
  usersFilePath,
} from '#local/auth/users.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-users-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('local users', () => {
  it('keeps a scrypt hash, never the password, in a 0600 file; checks passwords and groups', async () => {
    await addLocalUser(dataDir, 'alice', 'correct horse', ['admin']);
    const text = await fs.readFile(usersFilePath(dataDir), 'utf8');
    expect(text).not.toContain('correct horse');
    expect((await fs.stat(usersFilePath(dataDir))).mode & 0o777).toBe(0o600);
    expect(await checkLocalUserPassword(dataDir, 'alice', 'correct horse')).toEqual({ groups: ['admin'] });
    expect(await checkLocalUserPassword(dataDir, 'alice', 'wrong horse')).toBeUndefined();
    expect(await checkLocalUserPassword(dataDir, 'bob', 'correct horse')).toBeUndefined();
  });

  it('changes groups, removes users, and refuses names with spaces and short passwords', async () => {
    await addLocalUser(dataDir, 'alice', 'correct horse');
    await setLocalUserGroups(dataDir, 'alice', ['admin', 'chemists', 'admin']);
    expect((await readLocalUsers(dataDir)).users['alice']?.groups).toEqual(['admin', 'chemists']);
    await expect(setLocalUserGroups(dataDir, 'bob', [])).rejects.toThrow('"bob" is not a local user');
    await expect(addLocalUser(dataDir, 'a b', 'correct horse')).rejects.toThrow(/no spaces/);
    await expect(addLocalUser(dataDir, 'carol', 'short')).rejects.toThrow(/at least 8/);
    expect(await removeLocalUser(dataDir, 'alice')).toBe(true);
    expect(await removeLocalUser(dataDir, 'alice')).toBe(false);
  });
});
