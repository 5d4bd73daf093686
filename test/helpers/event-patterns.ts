/**
 * Checks EventBridge rule patterns against the event catalog: every source and
 * detail-type they name exists (ours, or AWS Batch's job state change), the
 * detail types are published by the sources named with them, and every field
 * the pattern reads under `detail` exists in the detail type's JSON schema (or,
 * for AWS Batch, in AWS's documented event), with an allowed value where the
 * schema lists them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BatchJobStateChange, EventCatalog, isCatalogDetailType } from '#shared/kernel/events/catalog.js';
import { validatorFor } from '#schemas/validator.js';
import { loadService, serviceFiles } from '#local/wiring/functions.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

type Json = Record<string, unknown>;

export interface RulePattern {
  /** Where the pattern is declared, e.g. `execution-poller: PollRequestedRule`. */
  where: string;
  pattern: Json;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every EventBridge pattern of every service: functions' `eventBridge` events and `AWS::Events::Rule` resources. */
export function servicePatterns(): RulePattern[] {
  const patterns: RulePattern[] = [];
  for (const file of serviceFiles(repoRoot)) {
    const service = loadService(file, { stage: 'ci', region: 'us-east-1' });
    const name = path.basename(path.dirname(file));
    for (const fn of service.functions) {
      for (const event of fn.events) {
        const spec = event['eventBridge'];
        if (isObject(spec) && isObject(spec['pattern'])) {
          patterns.push({ where: `${name}: function ${fn.name}`, pattern: spec['pattern'] });
        }
      }
    }
    for (const [id, resource] of Object.entries(service.resources)) {
      const pattern = resource.Properties?.['EventPattern'];
      if (resource.Type === 'AWS::Events::Rule' && isObject(pattern)) {
        patterns.push({ where: `${name}: ${id}`, pattern });
      }
    }
  }
  return patterns;
}

/** The exact strings a pattern field lists (operators such as `prefix` are not names). */
function literals(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The `detail` of AWS's documented Batch Job State Change event (test/fixtures/aws_batch). */
function batchEventDetail(): Json {
  const file = path.join(repoRoot, 'test/fixtures/aws_batch/batch_job_state_change_RUNNABLE_2022.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { detail: Json }).detail;
}

/** A schema with its `$ref` followed (refs name other schemas of schemas/ by `$id`). */
function resolved(schema: Json): Json {
  return typeof schema['$ref'] === 'string' ? resolved(validatorFor(schema['$ref']).schema as Json) : schema;
}

/** Problems of a `detail` pattern against a JSON schema, field by field (dotted paths). */
function schemaFieldProblems(pattern: Json, schema: Json, at: string): string[] {
  const problems: string[] = [];
  const properties = (resolved(schema)['properties'] ?? {}) as Record<string, Json>;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      for (const branch of value.filter(isObject)) problems.push(...schemaFieldProblems(branch, schema, at));
      continue;
    }
    const field = `${at}.${key}`;
    const property = properties[key];
    if (!property) {
      problems.push(`${field} is not a field of the detail schema`);
      continue;
    }
    if (isObject(value)) {
      problems.push(...schemaFieldProblems(value, property, field));
      continue;
    }
    const allowed = resolved(property)['enum'];
    if (Array.isArray(allowed)) {
      for (const literal of literals(value)) {
        if (!allowed.includes(literal))
          problems.push(`${field}: "${literal}" is not one of ${allowed.join(', ')}`);
      }
    }
  }
  return problems;
}

/** Problems of a `detail` pattern against an example event's detail (AWS's events have no schema of ours). */
function exampleFieldProblems(pattern: Json, example: Json, at: string): string[] {
  return Object.entries(pattern).flatMap(([key, value]) => {
    const field = `${at}.${key}`;
    if (!(key in example)) return [`${field} is not a field of the event`];
    return isObject(value) && isObject(example[key]) ? exampleFieldProblems(value, example[key], field) : [];
  });
}

/** What is wrong with one rule pattern; empty when it can match the events it names. */
export function patternProblems(pattern: Json): string[] {
  const problems: string[] = [];
  const sources = literals(pattern['source']);
  const detailTypes = literals(pattern['detail-type']);
  if (sources.length === 0) problems.push('names no source');
  if (detailTypes.length === 0) problems.push('names no detail-type');
  const knownSources = new Set<string>([
    ...Object.values(EventCatalog).flatMap((entry) => entry.sources),
    BatchJobStateChange.source,
  ]);
  for (const source of sources) {
    if (!knownSources.has(source)) problems.push(`source "${source}" is not in the event catalog`);
  }
  const detail = pattern['detail'];
  for (const detailType of detailTypes) {
    const publishers: readonly string[] = isCatalogDetailType(detailType)
      ? EventCatalog[detailType].sources
      : detailType === BatchJobStateChange.detailType
        ? [BatchJobStateChange.source]
        : [];
    if (publishers.length === 0) {
      problems.push(`detail-type "${detailType}" is not in the event catalog`);
      continue;
    }
    if (sources.length > 0 && !sources.some((source) => publishers.includes(source))) {
      problems.push(`"${detailType}" comes from ${publishers.join(' or ')}, not ${sources.join(' or ')}`);
    }
    if (!isObject(detail)) continue;
    problems.push(
      ...(isCatalogDetailType(detailType)
        ? schemaFieldProblems(detail, validatorFor(EventCatalog[detailType].schema).schema as Json, 'detail')
        : exampleFieldProblems(detail, batchEventDetail(), 'detail')
      ).map((problem) => `"${detailType}": ${problem}`),
    );
  }
  return problems;
}
