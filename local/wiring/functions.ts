import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadServerlessConfig, type ServerlessConfig } from './serverless-config.js';

/** One Lambda function as declared in a service's serverless.yml. */
export interface FunctionDefinition {
  service: string;
  serviceDir: string;
  name: string;
  /** Absolute path of the handler's TypeScript module. */
  modulePath: string;
  exportName: string;
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  /** `memorySize` (MB): the function's heap limit on the local platform. */
  memorySizeMb: number;
  /** `reservedConcurrency`, when the function sets one: its instances at once, at most. */
  reservedConcurrency?: number;
  events: Record<string, unknown>[];
}

export interface ServiceDefinition {
  config: ServerlessConfig;
  functions: FunctionDefinition[];
  /** CloudFormation resources the service declares itself (queues, rules). */
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export function serviceFiles(root: string): string[] {
  const servicesDir = path.join(root, 'services');
  if (!existsSync(servicesDir)) return [];
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(servicesDir, d.name, 'serverless.yml'))
    .filter((file) => existsSync(file))
    .sort();
}

function handlerModule(serviceDir: string, handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  const base = path.join(serviceDir, handler.slice(0, dot));
  for (const ext of ['.ts', '.js', '.mjs']) {
    if (existsSync(base + ext)) return { modulePath: base + ext, exportName: handler.slice(dot + 1) };
  }
  throw new Error(`handler ${handler} of ${serviceDir}/serverless.yml: no file ${base}.ts`);
}

export function loadService(file: string, options: { stage: string; region: string }): ServiceDefinition {
  const config = loadServerlessConfig(file, options);
  const provider = (config.raw['provider'] ?? {}) as Record<string, unknown>;
  const providerEnv = (provider['environment'] ?? {}) as Record<string, unknown>;
  // The Serverless Framework's defaults when neither the function nor the provider says.
  const providerTimeout = Number(provider['timeout'] ?? 6);
  const providerMemory = Number(provider['memorySize'] ?? 1024);
  const functions = Object.entries(
    (config.raw['functions'] ?? {}) as Record<string, Record<string, unknown>>,
  ).map(([name, fn]) => ({
    service: config.service,
    serviceDir: config.dir,
    name,
    ...handlerModule(config.dir, String(fn['handler'])),
    environment: { ...providerEnv, ...((fn['environment'] ?? {}) as Record<string, unknown>) },
    timeoutSeconds: Number(fn['timeout'] ?? providerTimeout),
    memorySizeMb: Number(fn['memorySize'] ?? providerMemory),
    ...(fn['reservedConcurrency'] !== undefined
      ? { reservedConcurrency: Number(fn['reservedConcurrency']) }
      : {}),
    events: (fn['events'] ?? []) as Record<string, unknown>[],
  }));
  const resourcesBlock = (config.raw['resources'] ?? {}) as Record<string, unknown>;
  const resources = (resourcesBlock['Resources'] ?? {}) as ServiceDefinition['resources'];
  return { config, functions, resources };
}
