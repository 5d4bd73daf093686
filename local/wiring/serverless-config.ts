import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * Reads a serverless.yml the way the local platform needs it: the YAML, with
 * the Serverless Framework variables it uses resolved (`${opt:stage, 'dev'}`,
 * `${self:...}`, `${sls:stage}`, `${env:NAME, default}`, `${param:name}`). CloudFormation
 * intrinsics (`Fn::ImportValue`, `Fn::GetAtt`, ...) are left for the caller.
 */
export interface ServerlessConfig {
  file: string;
  dir: string;
  service: string;
  raw: Record<string, unknown>;
}

const VARIABLE = /\$\{([^{}]+)\}/;

function splitFallback(expression: string): { source: string; fallback?: string } {
  const comma = expression.indexOf(',');
  if (comma < 0) return { source: expression.trim() };
  return { source: expression.slice(0, comma).trim(), fallback: expression.slice(comma + 1).trim() };
}

function literal(value: string): string | undefined {
  const match = /^(['"])(.*)\1$/.exec(value);
  return match ? match[2] : undefined;
}

function getPath(root: unknown, dotted: string): unknown {
  let node = root;
  for (const part of dotted.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export function loadServerlessConfig(
  file: string,
  options: {
    stage: string;
    region: string;
    env?: NodeJS.ProcessEnv;
    /** What `--param name=value` gives a deploy (`${param:name}`). */
    params?: Record<string, string>;
  },
): ServerlessConfig {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const env = options.env ?? process.env;

  function resolveSource(expression: string, depth: number): unknown {
    const { source, fallback } = splitFallback(expression);
    let value: unknown;
    if (source === 'opt:stage' || source === 'sls:stage') value = options.stage;
    else if (source === 'opt:region' || source === 'aws:region') value = options.region;
    else if (source.startsWith('self:')) value = resolveValue(getPath(raw, source.slice(5)), depth + 1);
    else if (source.startsWith('env:')) value = env[source.slice(4)];
    else if (source.startsWith('param:')) value = options.params?.[source.slice(6)];
    else if (literal(source) !== undefined) value = literal(source);
    else throw new Error(`${file}: the local platform cannot resolve \${${expression}}`);
    if (value === undefined && fallback !== undefined) {
      value = literal(fallback) ?? resolveSource(fallback, depth + 1);
    }
    return value;
  }

  function resolveString(text: string, depth: number): unknown {
    if (depth > 20) throw new Error(`${file}: variable resolution loops in "${text}"`);
    let current = text;
    for (let match = VARIABLE.exec(current); match; match = VARIABLE.exec(current)) {
      const value = resolveSource(match[1]!, depth);
      if (match[0] === current) return typeof value === 'string' ? resolveString(value, depth + 1) : value;
      current = current.replace(match[0], String(value));
    }
    return current;
  }

  function resolveValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return resolveString(value, depth);
    if (Array.isArray(value)) return value.map((v) => resolveValue(v, depth));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, depth)]));
    }
    return value;
  }

  const resolved = resolveValue(raw) as Record<string, unknown>;
  return { file, dir: path.dirname(file), service: String(resolved['service']), raw: resolved };
}
