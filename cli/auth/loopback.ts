/**
 * The loopback redirect receiver of `gcr login` (RFC 8252): an HTTP server on
 * 127.0.0.1 that waits for the browser to come back to `/callback` and hands
 * the full URL over; the code and state in it are checked by the caller.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InterruptedError, UsageError } from '../errors.js';
import { CALLBACK_PATH } from './oauth.js';

export interface LoopbackReceiver {
  redirectUri: string;
  /** The URL the browser was redirected to; rejects when `signal` aborts. */
  redirected(signal?: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gcr login</title></head>
<body><h1>Signed in</h1><p>You can close this tab and go back to the terminal.</p></body></html>`;

export async function startLoopback(port: number): Promise<LoopbackReceiver> {
  let deliver: (url: string) => void = () => undefined;
  const arrived = new Promise<string>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(PAGE);
    deliver(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? ''}`);
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(
              `port ${port} on 127.0.0.1 is in use: the sign-in redirect needs it (close what uses it, or use gcr login --manual)`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    redirectUri: `http://127.0.0.1:${bound}${CALLBACK_PATH}`,
    redirected: (signal) =>
      new Promise<string>((resolve, reject) => {
        if (signal?.aborted) return reject(new InterruptedError());
        signal?.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
        arrived.then(resolve, reject);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
