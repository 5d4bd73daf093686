import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import { boundaryViolation } from '#scripts/lint/boundaries.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Lints `code` as if it were the file at `relPath` with the project's own eslint.config.js. */
async function boundaryMessages(relPath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, relPath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'gcr/boundaries').map((m) => m.message);
}

describe('the import boundaries, through the project lint config', () => {
  it('fails a service that imports another service', async () => {
    const messages = await boundaryMessages(
      'services/submission/src/domain/example.ts',
      "import { planSimulation } from '#services/execution-poller/src/domain/reconcile.js';\nexport const x = planSimulation;\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/never imports another service \(submission -> services\/execution-poller/);
  });

  it('fails a service that reaches another service by a relative path', async () => {
    const messages = await boundaryMessages(
      'services/submission/src/domain/example.ts',
      "export { ports } from '../../../execution-poller/src/wiring.js';\n",
    );
    expect(messages).toHaveLength(1);
  });

  it('fails the science part importing the platform kernel or an AWS SDK', async () => {
    const messages = await boundaryMessages(
      'shared/science/rundir/example.ts',
      [
        "import { NotFoundError } from '#shared/kernel/errors.js';",
        "import { S3Client } from '@aws-sdk/client-s3';",
        'export const x = [NotFoundError, S3Client];',
        '',
      ].join('\n'),
    );
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toMatch(
      /imports no AWS SDK and no platform kernel \(not shared\/kernel\/errors\.js\)/,
    );
    expect(messages.join('\n')).toMatch(/\(not @aws-sdk\/client-s3\)/);
  });

  it('fails shared/ importing the local platform, even through a dynamic import', async () => {
    const messages = await boundaryMessages(
      'shared/kernel/example.ts',
      "export const load = () => import('#local/auth/jwt.js');\n",
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/shared\/ is bundled by services/);
  });

  it("fails the CLI importing the local platform's signer, statically or dynamically", async () => {
    const messages = await boundaryMessages(
      'cli/config.ts',
      [
        "import { signLocalToken } from '#local/auth/jwt.js';",
        "export const load = () => import('#local/auth/jwt.js');",
        'export const x = signLocalToken;',
        '',
      ].join('\n'),
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/the CLI talks to the API only.*\(not local\/auth\/jwt\.js\)/);
  });

  it('passes the imports the layout allows', async () => {
    const messages = await boundaryMessages(
      'services/submission/src/domain/example.ts',
      [
        "import { NotFoundError } from '#shared/kernel/errors.js';",
        "import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';",
        "import type { Simulation } from '#schemas/generated/types.js';",
        "import { config } from '../config.js';",
        'export type S = Simulation;',
        'export const x = [NotFoundError, validateSimulationSpec, config];',
        '',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});

describe('boundaryViolation', () => {
  it('resolves relative specifiers against the importing file', () => {
    expect(boundaryViolation('../../kernel/errors.js', 'shared/science/spec/x.ts')).toMatch(
      /platform kernel/,
    );
    expect(boundaryViolation('../spec/rundir-rules.js', 'shared/science/rundir/x.ts')).toBeUndefined();
  });

  it('lets the CLI import schemas/ and shared/ but not a service or scripts', () => {
    expect(boundaryViolation('#schemas/generated/types.js', 'cli/commands/logs.ts')).toBeUndefined();
    expect(boundaryViolation('#shared/kernel/status.js', 'cli/commands/logs.ts')).toBeUndefined();
    expect(boundaryViolation('../../services/submission/src/config.js', 'cli/commands/x.ts')).toMatch(
      /the CLI talks to the API only/,
    );
    expect(boundaryViolation('#scripts/lint/boundaries.js', 'cli/x.ts')).toMatch(
      /the CLI talks to the API only/,
    );
  });

  it('lets only gcr admin (cli/admin/) import an AWS SDK', () => {
    expect(boundaryViolation('@aws-sdk/client-sqs', 'cli/admin/redrive.ts')).toBeUndefined();
    expect(boundaryViolation('@aws-sdk/client-sqs', 'cli/commands/submit.ts')).toMatch(
      /only gcr admin \(cli\/admin\/\) talks to AWS APIs \(not @aws-sdk\/client-sqs\)/,
    );
  });

  it('lets the site agent (cli/agent/) import @aws-sdk/client-sqs, for its work queue, and no other AWS SDK', () => {
    expect(boundaryViolation('@aws-sdk/client-sqs', 'cli/agent/work-queue.ts')).toBeUndefined();
    expect(boundaryViolation('@aws-sdk/client-s3', 'cli/agent/work-queue.ts')).toMatch(
      /@aws-sdk\/client-sqs is its only AWS SDK.*\(not @aws-sdk\/client-s3\)/,
    );
    expect(boundaryViolation('#shared/kernel/aws/clients.js', 'cli/agent/agent.ts')).toMatch(
      /none of the kernel's AWS adapters/,
    );
  });

  it('lets containers import shared/ but not a service', () => {
    expect(
      boundaryViolation('#shared/kernel/compute/exit-codes.js', 'containers/runner/src/x.ts'),
    ).toBeUndefined();
    expect(boundaryViolation('#services/submission/src/config.js', 'containers/runner/src/x.ts')).toMatch(
      /never import services/,
    );
  });

  it('lets the web console import the science and the schemas, never the kernel or an AWS SDK', () => {
    expect(
      boundaryViolation('#shared/science/spec/validate-spec.js', 'web/src/pages/new-simulation/x.tsx'),
    ).toBeUndefined();
    expect(boundaryViolation('#schemas/generated/openapi.js', 'web/src/api/client.ts')).toBeUndefined();
    expect(boundaryViolation('#shared/kernel/status.js', 'web/src/x.tsx')).toMatch(
      /the web console talks to the public API only/,
    );
    expect(boundaryViolation('@aws-sdk/client-s3', 'web/src/x.tsx')).toMatch(/the web console talks/);
  });
});
