import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { S3Uploads } from '#containers/demo-model/src/status.js';

const saved = { ...process.env };

beforeEach(() => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
});

afterEach(() => {
  process.env = { ...saved };
});

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

describe('demo model uploads', () => {
  it('Local jobs lose S3 after a platform restart: an output upload whose connection drops (the platform restarting) is sent again, whole', async () => {
    const received: string[] = [];
    let dropped = 0;
    const s3 = createServer((request, response) => {
      if (dropped === 0) {
        // The platform dies under the request: the connection goes without an answer.
        dropped += 1;
        request.socket.destroy();
        return;
      }
      void body(request).then((text) => {
        received.push(`${request.method} ${request.url} ${text}`);
        response.writeHead(200, { ETag: '"1"' }).end();
      });
    });
    await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve));
    process.env['AWS_ENDPOINT_URL_S3'] = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
    try {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gcr-demo-')), 'out.nc4');
      writeFileSync(file, 'netcdf bytes');
      await new S3Uploads({ bucket: 'results', key: 'simulations/sim_1/outputs/' }).uploadFile(
        file,
        'out.nc4',
      );
      expect(dropped).toBe(1);
      expect(received).toEqual([
        'PUT /results/simulations/sim_1/outputs/out.nc4?x-id=PutObject netcdf bytes',
      ]);
    } finally {
      await new Promise((resolve) => s3.close(resolve));
    }
  });
});
