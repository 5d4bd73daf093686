/**
 * The local platform's secret store: each secret AES-256-GCM encrypted in its
 * own file under a directory of the data dir, with a key made at first use
 * (0600, in the same 0700 directory). Encrypted at rest as on AWS, where SSM
 * SecureString does it (adapters/ssm-secrets.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../domain/ports.js';

function keyOf(dir: string): Buffer {
  const file = path.join(dir, 'store.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another function instance made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file);
}

export function createLocalSecretStore(dir: string): SecretStore {
  let key: Buffer | undefined;
  const fileOf = (name: string) =>
    path.join(dir, `${createHash('sha256').update(name).digest('hex')}.secret`);
  return {
    async put(name, value) {
      key ??= keyOf(dir);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name));
      const sealed = Buffer.concat([iv, cipher.update(value, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const file = fileOf(name);
      writeFileSync(`${file}.tmp`, sealed, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
    async get(name) {
      key ??= keyOf(dir);
      let sealed: Buffer;
      try {
        sealed = readFileSync(fileOf(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([
        decipher.update(sealed.subarray(12, sealed.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    },
    async delete(name) {
      rmSync(fileOf(name), { force: true });
    },
  };
}
