/**
 * SSH material for one GCHP job attempt, made when the job starts: nothing is
 * baked into the image, so a key or host key learned from one job opens no
 * other. Pure apart from the random keys: Ed25519 key pairs (node:crypto) in
 * OpenSSH's own formats, and the authorized_keys, known_hosts and ssh client
 * config texts built from them (see mpi-launch.ts for who makes which).
 *
 * Formats: the public key is `ssh-ed25519 <base64 of string "ssh-ed25519",
 * string key>`; the private key is OpenSSH's unencrypted "openssh-key-v1"
 * container (PROTOCOL.key in OpenSSH's sources), which ssh and sshd read.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface SshKeyPair {
  /** One authorized_keys / known_hosts style line: `ssh-ed25519 AAAA... comment`. */
  publicKey: string;
  /** The private key file's text (`-----BEGIN OPENSSH PRIVATE KEY-----` ...). */
  privateKey: string;
}

const KEY_TYPE = 'ssh-ed25519';

/** SSH wire encoding: a uint32 length, then the bytes. */
function sshString(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

/** A new Ed25519 key pair; `comment` names it in the files (e.g. `gcr-<job>-main`). */
export function generateSshKeyPair(comment: string): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);

  const check = randomBytes(4).readUInt32BE();
  let secret = Buffer.concat([
    uint32(check),
    uint32(check),
    sshString(KEY_TYPE),
    sshString(pub),
    // OpenSSH keeps the 32-byte seed followed by the public key.
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  // Padded with 1, 2, 3 ... to the cipher's block size (8 for "none").
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const container = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(secret),
  ]);
  const lines = container.toString('base64').match(/.{1,70}/g)!;
  return {
    publicKey: `${KEY_TYPE} ${publicBlob.toString('base64')} ${comment}`,
    privateKey: [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      ...lines,
      '-----END OPENSSH PRIVATE KEY-----',
      '',
    ].join('\n'),
  };
}

/** `ssh-ed25519 AAAA...` without the comment; throws on anything else (a key read back from S3 is checked). */
export function parsePublicKey(line: string): string {
  const match = /^ssh-ed25519 ([A-Za-z0-9+/]+={0,2})(?: |$)/.exec(line.trim());
  if (!match) throw new Error('not an ssh-ed25519 public key');
  const blob = Buffer.from(match[1]!, 'base64');
  // string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
  if (blob.length !== 51 || blob.subarray(4, 15).toString() !== KEY_TYPE || blob.readUInt32BE(15) !== 32) {
    throw new Error('not an ssh-ed25519 public key');
  }
  return `${KEY_TYPE} ${match[1]}`;
}

/**
 * The worker's authorized_keys: only this job's main node key, only from the
 * main node's address when known, and `restrict` (no forwarding, no pty: mpirun
 * only runs commands).
 */
export function authorizedKeys(mainPublicKey: string, mainAddress: string | undefined): string {
  const options = mainAddress ? `from="${mainAddress}",restrict` : 'restrict';
  return `${options} ${parsePublicKey(mainPublicKey)}\n`;
}

/** known_hosts lines for the workers' announced host keys, on the sshd port. */
export function knownHosts(hosts: readonly { address: string; hostKey: string }[], port: number): string {
  return hosts.map((host) => `[${host.address}]:${port} ${parsePublicKey(host.hostKey)}\n`).join('');
}

/** The main node's ssh client config: this job's key, the workers' host keys, nothing else trusted. */
export function clientConfig(options: {
  identityFile: string;
  knownHostsFile: string;
  port: number;
}): string {
  return [
    'Host *',
    `  Port ${options.port}`,
    `  IdentityFile ${options.identityFile}`,
    '  IdentitiesOnly yes',
    '  StrictHostKeyChecking yes',
    `  UserKnownHostsFile ${options.knownHostsFile}`,
    '  GlobalKnownHostsFile /dev/null',
    '  PasswordAuthentication no',
    '  KbdInteractiveAuthentication no',
    '  LogLevel ERROR',
    '',
  ].join('\n');
}
