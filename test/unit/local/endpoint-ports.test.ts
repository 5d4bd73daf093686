import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  ENDPOINT_PORTS_FILE,
  listenOnPreviousPort,
  readEndpointPorts,
  writeEndpointPorts,
} from '#local/endpoint-ports.js';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('endpoint ports across restarts', () => {
  it('records the ports and reads them back, ignoring a missing or garbled file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gcr-ports-'));
    expect(readEndpointPorts(dir)).toEqual({});
    writeEndpointPorts(dir, { dynamodb: 4001, s3: 4002, aws: 4003, console: 4004 });
    expect(readEndpointPorts(dir)).toEqual({ dynamodb: 4001, s3: 4002, aws: 4003, console: 4004 });
    writeFileSync(path.join(dir, ENDPOINT_PORTS_FILE), '{"s3": "4002", "aws": 70000, "dynamodb": 4001');
    expect(readEndpointPorts(dir)).toEqual({});
    writeFileSync(path.join(dir, ENDPOINT_PORTS_FILE), '{"s3": "4002", "aws": 70000, "dynamodb": 4001}');
    expect(readEndpointPorts(dir)).toEqual({ dynamodb: 4001 });
  });

  it('listens on the previous port again, and on a new one with a warning naming both when it is taken', async () => {
    const first = createServer();
    const previous = await listen(first, 0);
    await close(first);
    const again = createServer();
    const warnings: string[] = [];
    expect(
      await listenOnPreviousPort(
        's3',
        previous,
        (port) => listen(again, port),
        (m) => warnings.push(m),
      ),
    ).toBe(previous);
    expect(warnings).toEqual([]);

    // `again` still holds it: another process took the port meanwhile.
    const fallback = createServer();
    const port = await listenOnPreviousPort(
      's3',
      previous,
      (p) => listen(fallback, p),
      (m) => warnings.push(m),
    );
    expect(port).not.toBe(previous);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`previous port ${previous} is taken`);
    expect(warnings[0]).toContain(`listens on ${port} now`);
    await Promise.all([close(again), close(fallback)]);
  });
});
