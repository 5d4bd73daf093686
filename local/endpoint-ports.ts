/**
 * The ports of the platform's AWS endpoints (dynalite, s3rver, the endpoint of
 * EventBridge, Batch, Logs and SQS) and of the web console, kept in `<data>/ports.json` across
 * restarts. Local Batch jobs outlive the platform (local/batch/README.md) and
 * reach S3 and the other endpoints through the URLs they were started with; a
 * restart that listened on new ports would leave every such job talking to a
 * dead port (ECONNREFUSED, and the run ends as a model failure). So a restart
 * listens on the ports of the previous start again; only when one is taken
 * does it fall back to a new port, saying which jobs that strands.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type EndpointName = 'dynamodb' | 's3' | 'aws' | 'console';

export type EndpointPorts = Partial<Record<EndpointName, number>>;

export const ENDPOINT_PORTS_FILE = 'ports.json';

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536;
}

/** The ports recorded by the previous start; none when there was none or the file is unreadable. */
export function readEndpointPorts(dataDir: string): EndpointPorts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_PORTS_FILE), 'utf8'));
  } catch {
    return {};
  }
  const ports: EndpointPorts = {};
  for (const name of ['dynamodb', 's3', 'aws', 'console'] as const) {
    const port = (parsed as Record<string, unknown> | null)?.[name];
    if (isPort(port)) ports[name] = port;
  }
  return ports;
}

/** The console's port is kept too: a bookmarked console URL and its sign-in's redirect URI stay valid. */
export function writeEndpointPorts(
  dataDir: string,
  ports: Required<Omit<EndpointPorts, 'console'>> & Pick<EndpointPorts, 'console'>,
): void {
  writeFileSync(path.join(dataDir, ENDPOINT_PORTS_FILE), `${JSON.stringify(ports, null, 2)}\n`);
}

function isAddressInUse(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'EADDRINUSE' || (typeof message === 'string' && message.includes('EADDRINUSE'));
}

/**
 * Listens on `preferred` (the previous start's port) when there is one, else
 * on a free port; when `preferred` is taken, on a free port with a warning.
 * `listenOn` listens on a port (0: any free one) and answers the port it got.
 */
export async function listenOnPreviousPort(
  name: EndpointName,
  preferred: number | undefined,
  listenOn: (port: number) => Promise<number>,
  log: (message: string) => void,
): Promise<number> {
  if (preferred === undefined) return listenOn(0);
  try {
    return await listenOn(preferred);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    const port = await listenOn(0);
    log(
      `warning: the ${name} endpoint's previous port ${preferred} is taken by another process; it listens on ${port} now. ` +
        `Local Batch jobs still running from before this start reach it on ${preferred} and will fail; new jobs use ${port}.`,
    );
    return port;
  }
}
