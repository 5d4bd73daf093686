import '#shared/kernel/quiet-sdk-warning.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { startPlatform } from './platform.js';
import { signLocalToken } from './auth/jwt.js';
import { ensureConsoleBuilt } from './console/build-console.js';

/**
 * `npm start`: the whole system on this machine. Configuration by environment:
 * GCR_DATA_DIR (default .gcr), GCR_PORT (default 3000; 0 picks a free port),
 * GCR_HOST (default 127.0.0.1), GCR_CONSOLE_PORT (the web console's port, default 3001;
 * 0 reuses the previous start's or picks a free one; `off` serves no console),
 * GCR_SCHEDULE_RATE_SECONDS (speeds up rate schedules),
 * GCR_LOCAL_BATCH_SLOTS (jobs run at once; default the number of cores),
 * GCR_LOCAL_FUNCTION_CONCURRENCY (instances of each function; default 4),
 * GCR_LOCAL_FUNCTION_QUEUE (HTTP requests waiting per function; default 32),
 * GCR_LOCAL_PREWARM (false: start function instances on first use),
 * GCR_LOCAL_FUNCTION_CACHE (where the functions' deploy bundles are cached),
 * GCR_LOCAL_ACCESS_TOKEN_TTL (seconds an access token of `gcr login` lasts; default 3600).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env['GCR_DATA_DIR'] ?? '.gcr');
const port = Number(process.env['GCR_PORT'] ?? 3000);
const host = process.env['GCR_HOST'] ?? '127.0.0.1';
const rateOverride = process.env['GCR_SCHEDULE_RATE_SECONDS'];

/** A whole number from the environment, or undefined when unset; anything else stops the start. */
function integerFromEnv(name: string, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  }
  return value;
}

/** The console's port from GCR_CONSOLE_PORT (default 3001), or undefined for `off`. */
function consolePortFromEnv(): number | undefined {
  const raw = process.env['GCR_CONSOLE_PORT'] ?? '3001';
  if (raw === 'off') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`GCR_CONSOLE_PORT must be a port number (0-65535) or off, got "${raw}"`);
  }
  return value;
}

function log(message: string): void {
  process.stderr.write(`[gcr local] ${message}\n`);
}

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`GCR_PORT must be a port number (0-65535), got "${process.env['GCR_PORT']}"`);
  }
  const consolePort = consolePortFromEnv();
  // Here and not in startPlatform: tests start platforms without paying for a build.
  if (consolePort !== undefined) await ensureConsoleBuilt(root, log);
  const platform = await startPlatform({
    root,
    dataDir,
    port,
    host,
    log,
    ...(rateOverride ? { scheduleRateOverrideSeconds: Number(rateOverride) } : {}),
    ...(process.env['GCR_LOCAL_BATCH_SLOTS']
      ? { localBatchSlots: Number(process.env['GCR_LOCAL_BATCH_SLOTS']) }
      : {}),
    functionConcurrency: integerFromEnv('GCR_LOCAL_FUNCTION_CONCURRENCY', 1),
    functionQueueLength: integerFromEnv('GCR_LOCAL_FUNCTION_QUEUE', 0),
    prewarm: process.env['GCR_LOCAL_PREWARM'] !== 'false',
    accessTokenTtlSeconds: integerFromEnv('GCR_LOCAL_ACCESS_TOKEN_TTL', 1),
    ...(consolePort !== undefined ? { consolePort } : {}),
  });
  const user = process.env['GCR_USER'] ?? os.userInfo().username;
  const token = await signLocalToken(dataDir, { user });
  process.stdout.write(
    [
      ...(platform.consoleUrl ? [`Console: ${platform.consoleUrl}`, ``] : []),
      `GEOS-Chem Cloud Runner local platform`,
      `  API:        ${platform.url}`,
      `  data dir:   ${platform.dataDir}`,
      `  functions:  ${platform.functions.join(', ')}`,
      `  dev token for "${user}" (12 h; \`gcr token <user>\` makes others):`,
      `  ${token}`,
      ``,
      `Try: npx gcr submit examples/demo-local-4x5-1day.json   (Ctrl-C stops the platform; state is kept)`,
      ``,
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const error = err as NodeJS.ErrnoException;
  if (error.code === 'EADDRINUSE') {
    log(`port ${port} is in use: set GCR_PORT to another port (0 picks a free one)`);
  } else if (/LOCK|lock/.test(error.message ?? '')) {
    log(`the data directory ${dataDir} is in use by another platform: stop it first, or set GCR_DATA_DIR`);
  } else {
    log(`failed to start: ${error.stack ?? String(err)}`);
  }
  process.exit(1);
});
