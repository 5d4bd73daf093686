/**
 * The gcr demo model: a small built-in workload the local backend runs when
 * GEOS-Chem is not installed. It is NOT GEOS-Chem; it writes GEOS-Chem-shaped
 * NetCDF-4 output with synthetic fields so results, metrics and plots can be
 * seen on a laptop. See docs/DEMO-MODEL.md.
 *
 *   GCR_SPEC_FILE=examples/demo-local-4x5-1day.json GCR_DEMO_WALL_SECONDS=0 \
 *     node --import tsx containers/demo-model/src/main.ts
 *
 * Exit codes: 0 done; 1 write or upload failure; 78 bad spec or environment
 * (the job contract's configuration error); 3 failure injected with
 * GCR_DEMO_FAIL_AT_PERCENT; 143 SIGTERM (130 SIGINT).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ArrayMemberError, withArrayMember } from '#shared/kernel/compute/array-members.js';
import { loadH5wasmPastTsx } from '#shared/science/netcdf/h5wasm-past-tsx.js';
import type { JobStatusFile } from '#schemas/generated/types.js';
import { DemoConfigError, loadDemoConfig, parseS3Uri, statusFileFrom, type DemoConfig } from './config.js';
import { EXIT, runDemoModel } from './run.js';
import { S3Uploads, demoS3Client, isoSeconds, writeFileAtomic } from './status.js';

/** An object's text; any failure is the array member's configuration error (exit 78). */
async function readS3Text(bucket: string, key: string): Promise<string> {
  try {
    const out = await demoS3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await out.Body!.transformToString();
  } catch (error) {
    throw new ArrayMemberError(`cannot read s3://${bucket}/${key}: ${(error as Error).message}`);
  }
}

async function main(): Promise<number> {
  loadH5wasmPastTsx();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second signal: stop now.
      process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
    }
    process.stdout.write(`--- demo model: ${signal} received, stopping\n`);
    controller.abort(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let config: DemoConfig;
  try {
    // An ensemble array child: its member's environment first (the member's spec, its S3 URIs).
    Object.assign(process.env, await withArrayMember(process.env, readS3Text));
    config = loadDemoConfig();
  } catch (error) {
    if (!(error instanceof DemoConfigError || error instanceof ArrayMemberError)) throw error;
    process.stderr.write(`gcr demo model: ${error.message}\n`);
    await recordConfigFailure(error.message);
    return EXIT.configurationError;
  }
  return runDemoModel(config, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  });
}

/**
 * Best effort: a bad spec or environment is also recorded in the status file
 * and its S3 copy, when their locations are usable (stderr always has it).
 */
async function recordConfigFailure(message: string): Promise<void> {
  const now = isoSeconds(new Date());
  const status: JobStatusFile = {
    schemaVersion: '1',
    model: 'gcr-demo',
    state: 'failed',
    percent: 0,
    simulatedTime: null,
    updatedAt: now,
    files: [],
    startedAt: now,
    message,
    exitCode: EXIT.configurationError,
  };
  const body = `${JSON.stringify(status, null, 2)}\n`;
  try {
    await writeFileAtomic(statusFileFrom(process.env), body);
  } catch {
    // The status file itself may be what is misconfigured.
  }
  try {
    const uri = process.env['GCR_STATUS_S3_URI'];
    if (!uri) return;
    const uploads = new S3Uploads(undefined, parseS3Uri(uri, 'GCR_STATUS_S3_URI', 'object'));
    uploads.queueStatus(body);
    await Promise.race([
      uploads.settleStatus(),
      new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
    ]);
  } catch {
    // Not reachable or not configured: the exit code still says what happened.
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Stop promptly even if an SDK keep-alive socket lingers.
    setTimeout(() => process.exit(code), 100).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `gcr demo model: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(EXIT.writeFailure);
  },
);
