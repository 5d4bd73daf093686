import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './local-dynamodb.js';

/** The CloudFormation template `osls package` writes for a stack. */
export const PACKAGED_TEMPLATE = path.join('.serverless', 'cloudformation-template-update-stack.json');

export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

/** Whether a stack's packaged template is missing or older than its serverless.yml. */
export function isPackagedTemplateStale(stackDir: string): boolean {
  const template = path.join(stackDir, PACKAGED_TEMPLATE);
  if (!existsSync(template)) return true;
  return statSync(template).mtimeMs < statSync(path.join(stackDir, 'serverless.yml')).mtimeMs;
}

/**
 * The stack's packaged template: the one in its `.serverless/` when it is up to
 * date (CI runs `npm run package:all` before the tests), else a fresh
 * `osls package` of that one stack into a temporary directory (offline, no
 * credentials), so that a local `npm test` needs nothing first and never
 * writes into `.serverless/` under another test that reads it.
 */
export function packagedTemplate(stackDir: string, stage = 'ci'): CloudFormationTemplate {
  if (!isPackagedTemplateStale(stackDir)) {
    try {
      return JSON.parse(
        readFileSync(path.join(stackDir, PACKAGED_TEMPLATE), 'utf8'),
      ) as CloudFormationTemplate;
    } catch {
      // Being rewritten by a packaging run at this moment: package our own below.
    }
  }
  const out = mkdtempSync(path.join(os.tmpdir(), 'gcr-package-'));
  try {
    const osls = path.join(repoRoot, 'node_modules', '.bin', 'osls');
    execFileSync(
      existsSync(osls) ? osls : 'npx',
      [...(existsSync(osls) ? [] : ['--no', 'osls']), 'package', '--stage', stage, '--package', out],
      {
        cwd: stackDir,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 280_000,
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_TRACKING_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          SLS_INTERACTIVE_SETUP_DISABLE: '1',
          CI: process.env['CI'] ?? '1',
        },
      },
    );
    return JSON.parse(
      readFileSync(path.join(out, path.basename(PACKAGED_TEMPLATE)), 'utf8'),
    ) as CloudFormationTemplate;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`osls package of ${stackDir} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
