import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { RETRY_EVALUATE_ON_EXIT } from '#shared/kernel/compute/batch-backend.js';
import {
  describeExitCode,
  EXIT_CODES,
  isJobExitCode,
  RETRYABLE_EXIT_CODES,
} from '#shared/kernel/compute/exit-codes.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

interface CodeList {
  oneOf: { const: number; description: string }[];
}

/** The source of truth, read from the schema file itself. */
const schema = JSON.parse(
  readFileSync(path.join(repoRoot, 'schemas/job/job-exit-code.schema.json'), 'utf8'),
) as { $defs: { FinalJobExitCode: CodeList; RetryableJobExitCode: CodeList } };
const codesOf = (list: CodeList): number[] => list.oneOf.map((entry) => entry.const);
const schemaCodes = [
  ...codesOf(schema.$defs.FinalJobExitCode),
  ...codesOf(schema.$defs.RetryableJobExitCode),
];
const retryableSchemaCodes = codesOf(schema.$defs.RetryableJobExitCode);

describe('job exit codes', () => {
  it('has the contracted values', () => {
    expect(EXIT_CODES).toEqual({
      success: 0,
      modelFailure: 1,
      inputUnavailable: 69,
      transientInfrastructure: 75,
      configurationError: 78,
    });
  });

  it('names exactly the codes of schemas/job/job-exit-code.schema.json, each described there', () => {
    expect(Object.values(EXIT_CODES).sort((a, b) => a - b)).toEqual(schemaCodes.sort((a, b) => a - b));
    for (const entry of [
      ...schema.$defs.FinalJobExitCode.oneOf,
      ...schema.$defs.RetryableJobExitCode.oneOf,
    ]) {
      expect(entry.description.length).toBeGreaterThan(20);
    }
  });

  it("retries exactly the schema's RetryableJobExitCode codes: transient infrastructure failures", () => {
    expect(RETRYABLE_EXIT_CODES).toEqual(retryableSchemaCodes);
    expect(RETRYABLE_EXIT_CODES).toEqual([75]);
  });

  it("has every AWS Batch job definition of the root serverless.yml retry host failures and the schema's retryable codes, and exit otherwise", () => {
    const stack = parse(readFileSync(path.join(repoRoot, 'serverless.yml'), 'utf8')) as {
      resources: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
    };
    const definitions = Object.entries(stack.resources.Resources).filter(
      ([, resource]) => resource.Type === 'AWS::Batch::JobDefinition',
    );
    expect(definitions.map(([name]) => name).length).toBe(4);
    const expected = [
      { OnStatusReason: 'Host EC2*', Action: 'RETRY' },
      ...retryableSchemaCodes.map((code) => ({ OnExitCode: String(code), Action: 'RETRY' })),
      { OnReason: '*', Action: 'EXIT' },
    ];
    for (const [name, definition] of definitions) {
      expect([name, definition.Properties['RetryStrategy'].EvaluateOnExit]).toEqual([name, expected]);
    }
    // The poller's SubmitJob overrides them with the same rules.
    expect(
      RETRY_EVALUATE_ON_EXIT.map((rule) => ({
        ...(rule.onStatusReason !== undefined ? { OnStatusReason: rule.onStatusReason } : {}),
        ...(rule.onExitCode !== undefined ? { OnExitCode: rule.onExitCode } : {}),
        ...(rule.onReason !== undefined ? { OnReason: rule.onReason } : {}),
        Action: rule.action,
      })),
    ).toEqual(expected);
  });

  it('describes each code in words a researcher can act on', () => {
    expect(describeExitCode(1)).toMatch(/^model failure/);
    expect(describeExitCode(69)).toMatch(/^input data unavailable/);
    expect(describeExitCode(75)).toMatch(/^transient infrastructure failure/);
    expect(describeExitCode(78)).toMatch(/^configuration error/);
    expect(describeExitCode(137)).toMatch(/SIGKILL.*memory/);
    expect(describeExitCode(134)).toBe('killed by signal 6');
    expect(describeExitCode(3)).toBe('exited with code 3');
    for (const code of schemaCodes) expect(describeExitCode(code)).not.toMatch(/^exited with code/);
  });

  it("tells the contract's codes from signals and a model's own codes", () => {
    for (const code of schemaCodes) expect(isJobExitCode(code)).toBe(true);
    expect(isJobExitCode(3)).toBe(false);
    expect(isJobExitCode(143)).toBe(false);
  });
});
