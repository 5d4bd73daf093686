import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  authorizedKeys,
  clientConfig,
  generateSshKeyPair,
  knownHosts,
  parsePublicKey,
} from '#containers/runner/src/ssh-keys.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gcr-ssh-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The raw 32-byte Ed25519 key of an `ssh-ed25519 AAAA...` line, as a node:crypto key. */
function nodePublicKey(line: string) {
  const blob = Buffer.from(line.split(' ')[1]!, 'base64');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: blob.subarray(19).toString('base64url') },
    format: 'jwk',
  });
}

describe('per-job ssh keys in OpenSSH formats (made at job start, never in the image)', () => {
  it("makes a key pair OpenSSH's own tools read, whose private key signs for its public key", () => {
    const pair = generateSshKeyPair('gcr-sim_1-main');
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} gcr-sim_1-main$/);
    expect(pair.privateKey).toMatch(
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const keyFile = path.join(dir, 'id_ed25519');
    writeFileSync(keyFile, pair.privateKey);
    chmodSync(keyFile, 0o600);
    // ssh-keygen reads the private key and gives back the same public key.
    expect(execFileSync('ssh-keygen', ['-y', '-f', keyFile], { encoding: 'utf8' }).trim()).toBe(
      pair.publicKey,
    );
    // A signature made with the private key verifies against the public key.
    const message = path.join(dir, 'message');
    writeFileSync(message, 'gcr');
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', keyFile, '-n', 'file', message]);
    const armored = readFileSync(`${message}.sig`, 'utf8').replace(/-----[^-]+-----|\s/g, '');
    const signature = Buffer.from(armored, 'base64');
    // SSHSIG (OpenSSH's PROTOCOL.sshsig): the Ed25519 signature is the blob's last
    // 64 bytes, over "SSHSIG", the namespace, a reserved string, the hash name and the hash.
    const sshString = (bytes: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([length, bytes]);
    };
    const signed = Buffer.concat([
      Buffer.from('SSHSIG'),
      sshString(Buffer.from('file')),
      sshString(Buffer.alloc(0)),
      sshString(Buffer.from('sha512')),
      sshString(createHash('sha512').update('gcr').digest()),
    ]);
    expect(verify(null, signed, nodePublicKey(pair.publicKey), signature.subarray(-64))).toBe(true);
  });

  it('makes a new key every time: no two jobs share one', () => {
    const keys = new Set(Array.from({ length: 5 }, () => generateSshKeyPair('k').publicKey));
    expect(keys.size).toBe(5);
  });

  it('accepts only ssh-ed25519 public keys read back from S3', () => {
    const { publicKey } = generateSshKeyPair('gcr');
    expect(parsePublicKey(`${publicKey}\n`)).toBe(publicKey.replace(/ gcr$/, ''));
    for (const bad of ['', 'ssh-rsa AAAAB3NzaC1yc2E=', 'ssh-ed25519 AAAA', 'command="sh" ' + publicKey]) {
      expect(() => parsePublicKey(bad)).toThrow('not an ssh-ed25519 public key');
    }
  });

  it("authorises only the job's main node key, from its address, restricted to running commands", () => {
    const { publicKey } = generateSshKeyPair('main');
    const key = publicKey.replace(/ main$/, '');
    expect(authorizedKeys(publicKey, '10.0.1.17')).toBe(`from="10.0.1.17",restrict ${key}\n`);
    expect(authorizedKeys(publicKey, undefined)).toBe(`restrict ${key}\n`);
  });

  it('trusts exactly the announced host keys, with StrictHostKeyChecking yes', () => {
    const a = generateSshKeyPair('a').publicKey;
    const b = generateSshKeyPair('b').publicKey;
    expect(
      knownHosts(
        [
          { address: '10.0.1.18', hostKey: a },
          { address: '10.0.1.19', hostKey: b },
        ],
        2222,
      ),
    ).toBe(`[10.0.1.18]:2222 ${a.replace(/ a$/, '')}\n[10.0.1.19]:2222 ${b.replace(/ b$/, '')}\n`);
    const config = clientConfig({ identityFile: '/k/id', knownHostsFile: '/k/known_hosts', port: 2222 });
    const configFile = path.join(dir, 'config');
    writeFileSync(configFile, config);
    // What ssh makes of it (ssh -G prints the options it would use, without connecting).
    const resolved = execFileSync('ssh', ['-G', '-F', configFile, '10.0.1.18'], { encoding: 'utf8' });
    expect(resolved).toMatch(/^stricthostkeychecking true$/m);
    expect(resolved).toMatch(/^userknownhostsfile \/k\/known_hosts$/m);
    expect(resolved).toMatch(/^globalknownhostsfile \/dev\/null$/m);
    expect(resolved).toMatch(/^identityfile \/k\/id$/m);
    expect(resolved).toMatch(/^identitiesonly yes$/m);
    expect(resolved).toMatch(/^port 2222$/m);
  });
});
