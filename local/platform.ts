import { createServer, type Server } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Worker } from 'node:worker_threads';
import { provisionInfrastructure, provisionServiceTables, LOCAL_ACCOUNT } from './aws/local-resources.js';
import { eventBridgeEndpoint } from './aws/eventbridge-endpoint.js';
import { logsEndpoint } from './aws/logs-endpoint.js';
import {
  LocalBatch,
  batchEndpoint,
  batchJobStateChangeEntry,
  type LocalJobDefinition,
} from './batch/index.js';
import { LocalEventBus } from './eventbridge/bus.js';
import { corsConfiguration, createApiGateway, type HttpRoute } from './http/api-gateway.js';
import { FunctionPool } from './lambda/function-pool.js';
import { loadServerlessConfig } from './wiring/serverless-config.js';
import {
  loadService,
  serviceFiles,
  type FunctionDefinition,
  type ServiceDefinition,
} from './wiring/functions.js';
import {
  bundleFunctionRuntime,
  bundleServiceFunctions,
  defaultFunctionCacheDir,
} from './lambda/function-bundles.js';
import { resolveIntrinsics, type IntrinsicContext } from './wiring/intrinsics.js';
import type { PlatformInfo } from '#schemas/generated/types.js';
import { authorizeLocalBearer } from './auth/jwt.js';
import { LOCAL_SCOPES, LOCAL_WEB_CLIENT_ID, startLocalOidc } from './auth/oidc-provider.js';
import {
  consoleRequestHandler,
  consoleSecurityHeaders,
  type ConsoleRuntimeConfig,
} from './console/console-server.js';
import { consoleDistDir } from './console/build-console.js';
import {
  answerTokenRequest,
  LOCAL_TOKEN_PATH,
  newTokenSecret,
  TOKEN_SECRET_HEADER,
} from './auth/token-route.js';
import { secureDataDir, writeSecretFile } from './data-dir.js';
import { listenOnPreviousPort, readEndpointPorts, writeEndpointPorts } from './endpoint-ports.js';
import { LocalQueue } from './queue/local-queue.js';
import { startQueueConsumer } from './queue/queue-consumer.js';
import { LocalSqsService } from './queue/sqs-service.js';
import { sqsEndpoint } from './aws/sqs-endpoint.js';
import { startSchedule } from './schedule.js';
import { startLocalNotifier } from './notifier.js';
import { localCurEnvironment, startLocalCurExport } from './aws/local-cur-export.js';

export interface PlatformOptions {
  /** Repository root (where serverless.yml and services/ are). */
  root: string;
  dataDir: string;
  port?: number;
  host?: string;
  stage?: string;
  region?: string;
  /** Replaces every `rate(...)` schedule (demos and tests). */
  scheduleRateOverrideSeconds?: number;
  /** Jobs the local Batch runs at once (default: the number of cores; 0 keeps every job waiting). */
  localBatchSlots?: number;
  /**
   * Instances of each function at once (Lambda's concurrency; a function's
   * `reservedConcurrency` lowers it). Default 4.
   */
  functionConcurrency?: number;
  /** HTTP requests that may wait for a busy function's instance; one more is answered 429 at once. Default 32. */
  functionQueueLength?: number;
  /** Longest an HTTP request waits for an instance before it is answered 503. Default 10 s (under clients' usual 15-30 s timeouts). */
  functionMaxWaitMs?: number;
  /** Lifetime of the local OpenID provider's access tokens (default one hour; tests shorten it to see refreshes). */
  accessTokenTtlSeconds?: number;
  /** Warm one instance of every function before announcing the platform (default true). */
  prewarm?: boolean;
  /**
   * Run each function from its service's esbuild bundle, as deployed (default true;
   * local/lambda/function-bundles.ts). false: from the TypeScript sources through tsx.
   */
  bundleFunctions?: boolean;
  /** Where bundles are cached across starts (default node_modules/.cache/gcr-functions, or GCR_LOCAL_FUNCTION_CACHE). */
  functionCacheDir?: string;
  /**
   * Serve the web console (web/dist, local/console/console-server.ts) on this
   * port: 0 takes the previous start's console port again, else a free one;
   * another port falls back to a free one when taken. Undefined: no console.
   */
  consolePort?: number;
  log?: (message: string) => void;
}

export interface LocalPlatform {
  url: string;
  /** The web console's URL (http://127.0.0.1:3001/), when it is served. */
  consoleUrl: string | undefined;
  dataDir: string;
  stage: string;
  functions: string[];
  stop(): Promise<void>;
}

const DEFAULT_FUNCTION_CONCURRENCY = 4;
const DEFAULT_FUNCTION_QUEUE_LENGTH = 32;
const DEFAULT_FUNCTION_MAX_WAIT_MS = 10_000;
/** Pollers of an SQS event source mapping without maximumConcurrency. */
const DEFAULT_QUEUE_POLLERS = 2;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts the whole system on this machine: dynalite and s3rver behind the real
 * SDK clients, the local EventBridge, SQS and schedules, and every service's real
 * handlers wired from its own serverless.yml.
 */
export async function startPlatform(options: PlatformOptions): Promise<LocalPlatform> {
  const stage = options.stage ?? 'local';
  const region = options.region ?? 'us-east-1';
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => undefined);
  // Only its owner may read the data directory: it holds the signing key and the token route's secret.
  secureDataDir(dataDir, (warning) => log(`warning: ${warning}`));
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(path.join(dataDir, 'platform.json'), { force: true });
  };

  try {
    // The previous start's ports: jobs that outlived it still use them (endpoint-ports.ts).
    const previousPorts = readEndpointPorts(dataDir);
    // Storage emulators, state on disk under the data directory.
    const dynamo = await startEmulatorWorker(
      'dynalite',
      { path: path.join(dataDir, 'dynamodb'), host },
      previousPorts.dynamodb,
      log,
    );
    const dynamoPort = dynamo.port;
    cleanups.push(() => dynamo.close());
    mkdirSync(path.join(dataDir, 's3'), { recursive: true });
    const s3 = await startEmulatorWorker(
      's3rver',
      { directory: path.join(dataDir, 's3'), host },
      previousPorts.s3,
      log,
    );
    cleanups.push(() => s3.close());

    // What every handler's SDK client reads: endpoints and dummy credentials.
    delete process.env['AWS_SESSION_TOKEN'];
    delete process.env['AWS_PROFILE'];
    Object.assign(process.env, {
      AWS_REGION: region,
      // s3rver accepts only these; dynalite accepts anything. Never real credentials locally.
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_DYNAMODB: `http://${host}:${dynamoPort}`,
      AWS_ENDPOINT_URL_S3: `http://${host}:${s3.port}`,
      POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'WARN',
      POWERTOOLS_METRICS_DISABLED: process.env['POWERTOOLS_METRICS_DISABLED'] ?? 'true',
      POWERTOOLS_DEV: process.env['POWERTOOLS_DEV'] ?? 'false',
      // Read by services' serverless.yml (`${env:GCR_LOCAL_PLATFORM, 'false'}`): enables the local backend.
      GCR_LOCAL_PLATFORM: 'true',
    });
    cleanups.push(await startLocalNotifier(dataDir, host));
    Object.assign(process.env, localCurEnvironment(process.env));

    const infraConfig = loadServerlessConfig(path.join(options.root, 'serverless.yml'), { stage, region });
    const dynamodb = new DynamoDBClient({ endpoint: process.env['AWS_ENDPOINT_URL_DYNAMODB'], region });
    const stack = await provisionInfrastructure(
      infraConfig,
      {
        dynamodb,
        s3: new S3Client({ endpoint: process.env['AWS_ENDPOINT_URL_S3'], forcePathStyle: true, region }),
      },
      region,
      stage,
    );
    log(
      `infrastructure: tables ${stack.tables.join(', ')}; buckets ${stack.buckets.join(', ')}; buses ${stack.buses.join(', ')}`,
    );

    const bus = new LocalEventBus({ dataDir, region, accountId: LOCAL_ACCOUNT, buses: stack.buses });
    // Each ended job's line items, as the Cost and Usage Report would bill them (docs/COSTS.md).
    const curExport = await startLocalCurExport({
      s3: new S3Client({ endpoint: process.env['AWS_ENDPOINT_URL_S3'], forcePathStyle: true, region }),
      documentClient: DynamoDBDocumentClient.from(dynamodb),
      simulationsTable: stack.exports[`gcr-${stage}-SimulationsTableName`]!,
      env: process.env,
    });
    // AWS Batch, emulated: jobs are child processes under <data>/batch, and their
    // state changes reach the default bus as Batch's own events do on AWS.
    const batch = await LocalBatch.open({
      dir: path.join(dataDir, 'batch'),
      jobQueues: stack.jobQueues,
      ...(options.localBatchSlots !== undefined ? { slots: options.localBatchSlots } : {}),
      jobDefinitions: localJobDefinitions(options.root, stack.jobDefinitions),
      region,
      accountId: LOCAL_ACCOUNT,
      deferStart: true,
      log,
      onStateChange: async (detail) => {
        const [result] = await bus.putEvents([batchJobStateChangeEntry(detail)]);
        if (result?.ErrorCode) log(`batch event not published: ${result.ErrorMessage}`);
        await curExport
          .jobEnded(detail)
          .catch((err: unknown) => log(`local CUR export of ${detail.jobId}: ${(err as Error).message}`));
      },
    });
    cleanups.push(() => batch.close());

    // One endpoint for the AWS APIs emulated here: EventBridge, Batch, CloudWatch Logs, SQS.
    const handlers = {
      events: eventBridgeEndpoint(bus),
      batch: batchEndpoint(batch),
      // Only the jobs' log group has streams, as on AWS.
      logs: logsEndpoint((group, stream) =>
        group === stack.exports[`gcr-${stage}-BatchLogGroupName`]
          ? batch.logFileForStream(stream)
          : undefined,
      ),
      sqs: undefined as ReturnType<typeof sqsEndpoint> | undefined,
    };
    const awsEndpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const handle = (req.url ?? '').startsWith('/v1/')
          ? handlers.batch
          : target.startsWith('Logs_')
            ? handlers.logs
            : target.startsWith('AmazonSQS.') && handlers.sqs
              ? handlers.sqs
              : handlers.events;
        void handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
          log(`local AWS endpoint: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
    });
    const awsPort = await listenOnPreviousPort(
      'aws',
      previousPorts.aws,
      (port) => listen(awsEndpoint, port, host),
      log,
    );
    cleanups.push(() => close(awsEndpoint));
    // The console listens before the OpenID provider starts: its web client's redirect URI names the console's port.
    let consoleConfig: ConsoleRuntimeConfig | undefined;
    let consoleHeaders: Record<string, string> = {};
    let consolePort: number | undefined;
    if (options.consolePort !== undefined) {
      const consoleServer = createServer(
        consoleRequestHandler({
          distDir: consoleDistDir(options.root),
          runtimeConfig: () => consoleConfig,
          securityHeaders: () => consoleHeaders,
        }),
      );
      const wanted = options.consolePort === 0 ? previousPorts.console : options.consolePort;
      consolePort = await listenOnPreviousPort(
        'console',
        wanted,
        (port) => listen(consoleServer, port, host),
        log,
      );
      cleanups.push(() => {
        consoleServer.closeAllConnections();
        return close(consoleServer);
      });
    }
    const consoleOrigin = consolePort === undefined ? undefined : `http://${host}:${consolePort}`;
    writeEndpointPorts(dataDir, {
      dynamodb: dynamoPort,
      s3: s3.port,
      aws: awsPort,
      ...(consolePort === undefined ? {} : { console: consolePort }),
    });
    const awsUrl = `http://${host}:${awsPort}`;
    for (const service of ['EVENTBRIDGE', 'BATCH', 'CLOUDWATCH_LOGS', 'SQS']) {
      process.env[`AWS_ENDPOINT_URL_${service}`] = awsUrl;
    }
    // Every queue below is registered here: the SQS API on-call uses (aws sqs, gcr admin redrive).
    const sqs = new LocalSqsService({
      accountId: LOCAL_ACCOUNT,
      endpointUrl: awsUrl,
      // The Slurm sites' work queues (CreateQueue from POST /sites), opened again after a restart.
      dir: path.join(dataDir, 'queues', 'created'),
    });
    handlers.sqs = sqsEndpoint(sqs);
    await sqs.restoreCreatedQueues();

    // Services: functions, their environment, and their triggers.
    const routes: HttpRoute[] = [];
    const pools: FunctionPool[] = [];
    const functionNames: string[] = [];
    const queuesDir = path.join(dataDir, 'queues');
    for (const file of serviceFiles(options.root)) {
      const service = loadService(file, { stage, region });
      const queues = new Map<string, LocalQueue>();
      let tables = new Map<string, { name: string; arn: string }>();
      const ctx: IntrinsicContext = {
        region,
        accountId: LOCAL_ACCOUNT,
        imports: stack.exports,
        ref: (id) => (queues.has(id) ? sqs.urlOf(queues.get(id)!) : tables.get(id)?.name),
        getAtt: (id, attr) => (attr === 'Arn' ? (queues.get(id)?.arn ?? tables.get(id)?.arn) : undefined),
        condition: () => false,
      };
      tables = await provisionServiceTables(service.resources, ctx, dynamodb, region);
      stack.tables.push(...[...tables.values()].map((table) => table.name));
      await openServiceQueues(service.resources, ctx, queues, queuesDir, service.config.service, cleanups);
      for (const queue of queues.values()) sqs.register(queue);
      wireServiceRules(service.resources, ctx, queues, bus);

      const bundles = await serviceBundles(service, options, log);
      for (const fn of service.functions) {
        const bundle = bundles.get(fn.modulePath);
        const runtimePath = bundle ? await functionRuntimeBundle(options, log) : undefined;
        const pool = functionPool(
          { ...fn, modulePath: bundle ?? fn.modulePath },
          ctx,
          options,
          { stage, region, log },
          runtimePath,
        );
        pools.push(pool);
        // Pushed before the function's triggers: their consumers stop first, then its instances.
        cleanups.push(() => pool.close());
        functionNames.push(`${service.config.service}.${fn.name}`);
        await wireFunctionEvents(fn, pool, {
          ctx,
          queues,
          bus,
          sqs,
          routes,
          queuesDir,
          cleanups,
          log,
          options,
        });
      }
    }
    // Move tasks end before the queues close.
    cleanups.push(() => sqs.close());

    // One warm instance of every function before the platform announces itself: the first requests
    // answer at once, and a handler that cannot load stops the start, as when all loaded in one process.
    if (options.prewarm !== false) await prewarm(pools, log);

    // Jobs restored from before a restart report their states only now that rules exist.
    await batch.start();

    const tokenSecret = newTokenSecret();
    // The OpenID provider `gcr login` signs in with, as with Cognito's hosted UI on AWS (local/auth/oidc-provider.ts).
    const oidc = await startLocalOidc({
      dataDir,
      host,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      ...(consoleOrigin ? { consoleOrigin } : {}),
      log,
    });
    cleanups.push(() => oidc.close());
    const api = createApiGateway({
      routes,
      // The root serverless.yml's custom.cors, which the HTTP API's CorsConfiguration reads too.
      cors: corsConfiguration(infraConfig.raw, stage),
      // The platform's own route, in no serverless.yml: dev tokens for loopback clients (the CLI).
      localRoutes: [
        {
          method: 'POST',
          path: LOCAL_TOKEN_PATH,
          handle: (request) => answerTokenRequest(dataDir, tokenSecret, request),
        },
      ],
      authorize: (token) => authorizeLocalBearer(dataDir, token, oidc.accessTokens),
      onError: (err) => log(`API: ${(err as Error).stack ?? String(err)}`),
    });
    const apiPort = await listen(api, options.port ?? 0, host);
    cleanups.push(() => close(api));
    const url = `http://${host}:${apiPort}`;
    if (consoleOrigin) {
      // What a deploy writes to the console's bucket from the stacks' outputs (scripts/deploy/console-upload.ts).
      consoleConfig = {
        apiUrl: url,
        auth: { authority: oidc.info.issuer, clientId: LOCAL_WEB_CLIENT_ID, scopes: LOCAL_SCOPES },
        stage,
      };
      consoleHeaders = consoleSecurityHeaders(path.join(options.root, 'web', 'serverless.yml'), {
        apiOrigin: url,
        authOrigins: [oidc.info.issuer],
        // Presigned result links point at s3rver: the simulation page's maps load from there.
        resultsOrigins: [`http://${host}:${s3.port}`],
      });
    }
    // The platform's contract with the CLI and tests: schemas/local/platform-info.schema.json.
    const info: PlatformInfo = {
      url,
      tokenUrl: `${url}${LOCAL_TOKEN_PATH}`,
      tokenSecretHeader: TOKEN_SECRET_HEADER,
      tokenSecret,
      auth: oidc.info,
      ...(consoleOrigin ? { consoleUrl: `${consoleOrigin}/`, consoleClientId: LOCAL_WEB_CLIENT_ID } : {}),
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      // For operators and tests: the emulators behind the production adapters.
      endpoints: {
        dynamodb: `http://${host}:${dynamoPort}`,
        s3: `http://${host}:${s3.port}`,
        eventbridge: awsUrl,
        sqs: awsUrl,
      },
      tables: stack.tables,
      buckets: stack.buckets,
    };
    writeSecretFile(path.join(dataDir, 'platform.json'), `${JSON.stringify(info, null, 2)}\n`);
    return {
      url,
      consoleUrl: consoleOrigin ? `${consoleOrigin}/` : undefined,
      dataDir,
      stage,
      functions: functionNames,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A local job outlives a platform crash, and its S3 endpoint is down until the
 * platform restarts on the same ports (endpoint-ports.ts): a few seconds, more
 * on a busy machine or when starts are killed too. The SDK's standard retry
 * (exponential backoff up to 20 s, connection refusals included) with 12
 * attempts rides through about a minute of that, where its default 3 give up
 * within a second and the run would end as a model failure.
 */
const OUTLIVE_RESTART_RETRIES = { AWS_MAX_ATTEMPTS: '12' };

/**
 * What a Batch job definition runs here: when GCR_GEOSCHEM_EXE is set, the job
 * runner of the images (containers/runner), which runs that GC Classic
 * executable as on AWS (rundir from S3, inputs from GCR_INPUTS_FROM_DIR);
 * otherwise the built-in demo model (never GEOS-Chem).
 */
function localJobDefinitions(root: string, names: string[]): Record<string, LocalJobDefinition> {
  // The job's cwd is its run directory: name tsx's loader by absolute URL, not by package name.
  const node = [process.execPath, '--import', import.meta.resolve('tsx')];
  const demo = [...node, path.join(root, 'containers/demo-model/src/main.ts')];
  const runner = [...node, path.join(root, 'containers/runner/src/main.ts')];
  const command = process.env['GCR_GEOSCHEM_EXE'] ? runner : demo;
  return Object.fromEntries(
    names.map((name) => [
      name,
      { command, environment: { GCR_LOCAL_JOB: 'true', ...OUTLIVE_RESTART_RETRIES } },
    ]),
  );
}

/**
 * Starts an emulator (dynalite, s3rver) on its own worker thread
 * (`aws/<name>-worker.js`), on the previous start's port when there was one
 * (endpoint-ports.ts), and waits for its port.
 */
async function startEmulatorWorker(
  name: 'dynalite' | 's3rver',
  workerData: Record<string, string>,
  previousPort: number | undefined,
  log: (message: string) => void,
): Promise<{ port: number; close: () => Promise<void> }> {
  let worker: Worker | undefined;
  const port = await listenOnPreviousPort(
    name === 'dynalite' ? 'dynamodb' : 's3',
    previousPort,
    async (wanted) => {
      const started = new Worker(new URL(`./aws/${name}-worker.js`, import.meta.url), {
        workerData: { ...workerData, port: wanted },
      });
      try {
        const listening = await new Promise<number>((resolve, reject) => {
          started.once('error', reject);
          started.once('exit', (code) => reject(new Error(`${name} worker exited with code ${code}`)));
          started.once('message', (message: { port?: number; error?: string }) =>
            message.port ? resolve(message.port) : reject(new Error(`${name}: ${message.error}`)),
          );
        });
        worker = started;
        return listening;
      } catch (error) {
        await started.terminate();
        throw error;
      }
    },
    log,
  );
  const running = worker!;
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        running.once('message', () => resolve());
        running.postMessage({ close: true });
        setTimeout(resolve, 2000).unref();
      });
      await running.terminate();
    },
  };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

async function openServiceQueues(
  resources: Resources,
  ctx: IntrinsicContext,
  queues: Map<string, LocalQueue>,
  dir: string,
  service: string,
  cleanups: (() => Promise<void> | void)[],
): Promise<void> {
  // Dead-letter queues first, so redrive policies can point at them.
  const queueIds = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::SQS::Queue');
  const pending = new Set(queueIds);
  while (pending.size > 0) {
    let progressed = false;
    for (const id of [...pending]) {
      const props = resources[id]!.Properties ?? {};
      const redrive = props['RedrivePolicy'] as
        { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
      const dlqId = redrive ? dependencyOf(redrive.deadLetterTargetArn) : undefined;
      if (dlqId && pending.has(dlqId)) continue;
      const resolved = resolveIntrinsics(props, ctx) as Record<string, unknown>;
      const name = String(resolved['QueueName'] ?? `${service}-${id}`);
      const queue = await LocalQueue.open({
        name,
        dir: path.join(dir, name),
        visibilityTimeoutSeconds: Number(resolved['VisibilityTimeout'] ?? 30),
        delaySeconds: Number(resolved['DelaySeconds'] ?? 0),
        messageRetentionSeconds: Number(resolved['MessageRetentionPeriod'] ?? 345_600),
        ...(redrive && dlqId
          ? { maxReceiveCount: Number(redrive.maxReceiveCount ?? 10), deadLetterQueue: queues.get(dlqId) }
          : {}),
      });
      queues.set(id, queue);
      cleanups.push(() => queue.close());
      pending.delete(id);
      progressed = true;
    }
    if (!progressed) throw new Error(`queues ${[...pending].join(', ')} have circular redrive policies`);
  }
}

function dependencyOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'Fn::GetAtt' in value) {
    const arg = (value as { 'Fn::GetAtt': unknown })['Fn::GetAtt'];
    return Array.isArray(arg) ? String(arg[0]) : String(arg).split('.')[0];
  }
  return undefined;
}

/** AWS::Events::Rule resources whose targets are the service's queues. */
function wireServiceRules(
  resources: Resources,
  ctx: IntrinsicContext,
  queues: Map<string, LocalQueue>,
  bus: LocalEventBus,
) {
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const props = resolveIntrinsics(resource.Properties ?? {}, ctx) as Record<string, unknown>;
    if (props['State'] === 'DISABLED') continue;
    const busName = String(props['EventBusName'] ?? 'default')
      .split('/')
      .pop()!;
    for (const target of (props['Targets'] ?? []) as { Arn: string }[]) {
      const queue = [...queues.values()].find((q) => q.arn === target.Arn);
      if (!queue) throw new Error(`rule ${id}: target ${target.Arn} is not a queue of this service`);
      bus.addRule({
        name: id,
        busName,
        pattern: props['EventPattern'] as Record<string, unknown>,
        deliver: async (event) => {
          await queue.send(JSON.stringify(event));
        },
      });
    }
  }
}

interface WiringContext {
  ctx: IntrinsicContext;
  queues: Map<string, LocalQueue>;
  bus: LocalEventBus;
  sqs: LocalSqsService;
  routes: HttpRoute[];
  queuesDir: string;
  cleanups: (() => Promise<void> | void)[];
  log: (message: string) => void;
  options: PlatformOptions;
}

/** Warms the pools two at a time (more only slows each cold start on a few cores). */
async function prewarm(pools: FunctionPool[], log: (message: string) => void): Promise<void> {
  const started = Date.now();
  const waiting = [...pools];
  const warmOne = async (): Promise<void> => {
    for (let pool = waiting.shift(); pool; pool = waiting.shift()) await pool.prewarm();
  };
  await Promise.all([warmOne(), warmOne()]);
  log(`${pools.length} functions warm in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Each handler module's bundle, built with the service's `custom.esbuild`
 * settings as serverless-esbuild builds it for a deploy; none when the
 * service is not bundled on deploy or the platform runs the sources.
 */
let runtimeBundle: Promise<string> | undefined;

/** The function runtime's bundle (built once per process), which bundled handlers run in. */
function functionRuntimeBundle(options: PlatformOptions, log: (message: string) => void): Promise<string> {
  runtimeBundle ??= bundleFunctionRuntime(
    options.functionCacheDir ?? defaultFunctionCacheDir(options.root),
    log,
  );
  return runtimeBundle;
}

async function serviceBundles(
  service: ServiceDefinition,
  options: PlatformOptions,
  log: (message: string) => void,
): Promise<Map<string, string>> {
  const custom = (service.config.raw['custom'] ?? {}) as Record<string, unknown>;
  const settings = custom['esbuild'] as Record<string, unknown> | undefined;
  if (options.bundleFunctions === false || !settings || service.functions.length === 0) return new Map();
  return bundleServiceFunctions(
    {
      service: service.config.service,
      serviceDir: service.config.dir,
      esbuild: settings,
      modulePaths: [...new Set(service.functions.map((fn) => fn.modulePath))],
    },
    options.functionCacheDir ?? defaultFunctionCacheDir(options.root),
    log,
  );
}

/**
 * The instances of one function (local/lambda/function-pool.ts), with the
 * environment Lambda would give it: the platform's endpoints and credentials,
 * the function's own `environment` (provider's and function's), and Lambda's
 * variables.
 */
function functionPool(
  fn: FunctionDefinition,
  ctx: IntrinsicContext,
  options: PlatformOptions,
  runtime: { stage: string; region: string; log: (message: string) => void },
  runtimePath?: string,
): FunctionPool {
  const functionName = `${fn.service}-${runtime.stage}-${fn.name}`;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(
    resolveIntrinsics(fn.environment, ctx) as Record<string, unknown>,
  )) {
    env[key] = String(value);
  }
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
  });
  const concurrency = options.functionConcurrency ?? DEFAULT_FUNCTION_CONCURRENCY;
  return new FunctionPool({
    functionName,
    modulePath: fn.modulePath,
    exportName: fn.exportName,
    ...(runtimePath ? { runtimePath } : {}),
    region: runtime.region,
    timeoutSeconds: fn.timeoutSeconds,
    memorySizeMb: fn.memorySizeMb,
    concurrency: Math.max(1, Math.min(concurrency, fn.reservedConcurrency ?? concurrency)),
    maxQueued: options.functionQueueLength ?? DEFAULT_FUNCTION_QUEUE_LENGTH,
    maxWaitMs: options.functionMaxWaitMs ?? DEFAULT_FUNCTION_MAX_WAIT_MS,
    env,
    log: runtime.log,
  });
}

async function wireFunctionEvents(
  fn: FunctionDefinition,
  pool: FunctionPool,
  w: WiringContext,
): Promise<void> {
  // Event sources wait for an instance; HTTP requests may be shed (429/503) when the function is saturated.
  const invoke = (event: unknown) => pool.invoke(event);
  for (const rawEvent of fn.events) {
    const [kind, rawSpec] = Object.entries(rawEvent)[0] ?? [];
    const spec = resolveIntrinsics(rawSpec, w.ctx);
    if (kind === 'httpApi') {
      const {
        method,
        path: routePath,
        authorizer,
      } = spec as { method: string; path: string; authorizer?: unknown };
      w.routes.push({
        method,
        path: routePath,
        authorized: authorizer !== undefined,
        invoke: (event) => pool.invoke(event, { sheddable: true }),
      });
    } else if (kind === 'schedule') {
      const expression = typeof spec === 'string' ? spec : String((spec as { rate: unknown }).rate);
      const handle = startSchedule(
        expression,
        async (time) => {
          await invoke({
            version: '0',
            id: crypto.randomUUID(),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: LOCAL_ACCOUNT,
            time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            region: w.ctx.region,
            resources: [`arn:aws:events:${w.ctx.region}:${LOCAL_ACCOUNT}:rule/${fn.name}`],
            detail: {},
          });
        },
        {
          rateOverrideSeconds: w.options.scheduleRateOverrideSeconds,
          onError: (err) => w.log(`${fn.name} (schedule): ${(err as Error).message}`),
        },
      );
      w.cleanups.push(() => handle.stop());
    } else if (kind === 'sqs') {
      const s = (typeof spec === 'string' ? { arn: spec } : spec) as {
        arn: string;
        batchSize?: number;
        maximumBatchingWindow?: number;
        maximumConcurrency?: number;
        functionResponseType?: string;
      };
      const queue = [...w.queues.values()].find((q) => q.arn === s.arn);
      if (!queue) throw new Error(`${fn.name}: sqs event ${s.arn} is not a queue of its service`);
      const consumer = startQueueConsumer(queue, {
        batchSize: s.batchSize ?? 10,
        maximumBatchingWindowSeconds: s.maximumBatchingWindow,
        reportBatchItemFailures: s.functionResponseType === 'ReportBatchItemFailures',
        // The event source mapping's pollers: its maximumConcurrency, never more than the function's instances.
        maxConcurrency: Math.min(s.maximumConcurrency ?? DEFAULT_QUEUE_POLLERS, pool.concurrency),
        handler: async (event) => (await invoke(event)) as never,
        onError: (err) => w.log(`${fn.name} (sqs): ${(err as Error).message}`),
      });
      // Stops before its queue closes (pushed after it) and before the function's instances.
      w.cleanups.push(() => consumer.stop());
    } else if (kind === 'eventBridge') {
      // Lambda's asynchronous invocation: a durable internal queue, two retries, then a failure queue.
      const e = spec as { eventBus?: string; pattern: Record<string, unknown> };
      const name = `lambda-async-${fn.service}-${fn.name}`;
      const failed = await LocalQueue.open({
        name: `${name}-failed`,
        dir: path.join(w.queuesDir, `${name}-failed`),
        visibilityTimeoutSeconds: 30,
      });
      const queue = await LocalQueue.open({
        name,
        dir: path.join(w.queuesDir, name),
        visibilityTimeoutSeconds: Math.max(fn.timeoutSeconds, 1) + 5,
        maxReceiveCount: 3,
        deadLetterQueue: failed,
      });
      w.cleanups.push(
        () => queue.close(),
        () => failed.close(),
      );
      w.sqs.register(queue);
      w.sqs.register(failed);
      w.bus.addRule({
        name,
        busName: String(e.eventBus ?? 'default')
          .split('/')
          .pop()!,
        pattern: e.pattern,
        deliver: async (event) => {
          await queue.send(JSON.stringify(event));
        },
      });
      const consumer = startQueueConsumer(queue, {
        batchSize: 1,
        reportBatchItemFailures: false,
        handler: async (sqsEvent) => {
          for (const record of sqsEvent.Records) await invoke(JSON.parse(record.body));
        },
        onError: (err) => w.log(`${fn.name} (eventBridge): ${(err as Error).message}`),
      });
      w.cleanups.push(() => consumer.stop());
    } else {
      w.log(`${fn.name}: event type ${String(kind)} is not emulated locally; skipped`);
    }
  }
}
