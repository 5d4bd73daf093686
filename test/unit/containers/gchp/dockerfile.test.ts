import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const read = (file: string): string => readFileSync(path.join(repoRoot, 'containers/gchp', file), 'utf8');
/** Instructions and config lines, without comments. */
const code = (text: string): string =>
  text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');

describe('the GCHP image holds no ssh key (keys are made per job at start: containers/runner/src/mpi-launch.ts)', () => {
  it("GCHP's SSH private key is baked into the image with a shared host key and StrictHostKeyChecking no: no longer", () => {
    const dockerfile = code(read('Dockerfile'));
    expect(dockerfile).not.toMatch(/ssh-keygen|id_ed25519|authorized_keys|ssh_host_/);
    expect(dockerfile).not.toMatch(/StrictHostKeyChecking\s+no|UserKnownHostsFile\s+\/dev\/null/);
    // The runner writes the job's ssh files here at start.
    expect(dockerfile).toMatch(/GCR_SSH_DIR=\/home\/gcr\/\.ssh/);
  });

  it("sshd names no host key of the image's, checks file modes, and allows nothing but commands", () => {
    const sshd = code(read('sshd_config'));
    expect(sshd).not.toMatch(/^HostKey\b/m);
    expect(sshd).not.toMatch(/^AuthorizedKeysFile\b/m);
    expect(sshd).toMatch(/^StrictModes yes$/m);
    expect(sshd).toMatch(/^PasswordAuthentication no$/m);
    expect(sshd).toMatch(/^AllowTcpForwarding no$/m);
  });
});
