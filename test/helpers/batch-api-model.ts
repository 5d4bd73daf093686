/**
 * Checks JSON against the AWS Batch API model (botocore's shapes, copied into
 * test/fixtures/aws_batch/botocore_batch_job_shapes.json): every member the
 * model names and nothing else, of the model's type, enum values from its
 * enums, required members present.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './local-dynamodb.js';

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  value?: { shape: string };
  enum?: string[];
}

const model = JSON.parse(
  readFileSync(path.join(repoRoot, 'test/fixtures/aws_batch/botocore_batch_job_shapes.json'), 'utf8'),
) as { shapes: Record<string, Shape> };

/**
 * The model marks JobDetail.startedAt required, yet Batch leaves it out until a
 * job starts (the AWS CLI's documented DescribeJobs answer for a SUBMITTED job
 * has none): it is not required of jobs that have not started.
 */
function required(shapeName: string, value: Record<string, unknown>): string[] {
  const names = model.shapes[shapeName]?.required ?? [];
  const started = !['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING'].includes(String(value['status']));
  return shapeName === 'JobDetail' && !started ? names.filter((n) => n !== 'startedAt') : names;
}

/** What in `value` the shape `shapeName` does not allow, as `path: problem` lines (none: it conforms). */
export function batchModelProblems(value: unknown, shapeName: string, at = shapeName): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${at}: the model has no shape ${shapeName}`];
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      const problems: string[] = [];
      for (const [key, member] of Object.entries(record)) {
        const declared = shape.members?.[key];
        if (!declared) problems.push(`${at}.${key}: not a member of ${shapeName}`);
        else problems.push(...batchModelProblems(member, declared.shape, `${at}.${key}`));
      }
      for (const name of required(shapeName, record)) {
        if (record[name] === undefined) problems.push(`${at}.${name}: required by ${shapeName}, missing`);
      }
      return problems;
    }
    case 'list':
      return Array.isArray(value)
        ? value.flatMap((item, i) => batchModelProblems(item, shape.member!.shape, `${at}[${i}]`))
        : [`${at}: not a list`];
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value).flatMap(([k, v]) => batchModelProblems(v, shape.value!.shape, `${at}.${k}`))
        : [`${at}: not a map`];
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      return shape.enum && !shape.enum.includes(value)
        ? [`${at}: ${value} is not one of ${shape.enum.join(', ')}`]
        : [];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'float':
    case 'double':
      return typeof value === 'number' ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    default:
      return [`${at}: type ${shape.type} is not checked here`];
  }
}
