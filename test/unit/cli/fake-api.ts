/**
 * A real HTTP server on 127.0.0.1 that plays the status API for the CLI tests:
 * canned answers per route (a function of the request, so answers may change
 * from one request to the next), every request recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: unknown;
  raw?: string;
  delayMs?: number;
  headers?: Record<string, string>;
  /** Drop the connection without answering (the client sees a network error). */
  destroy?: boolean;
}

export type Route = (req: Recorded) => Answer;

export interface FakeApi {
  url: string;
  requests: Recorded[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startFakeApi(): Promise<FakeApi> {
  const requests: Recorded[] = [];
  const routes = new Map<string, Route>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rec: Recorded = {
        method: req.method ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      const route = routes.get(`${rec.method} ${rec.path}`);
      const answer: Answer = route
        ? route(rec)
        : {
            status: 404,
            body: { error: { code: 'NotFound', message: `no route ${rec.method} ${rec.path}` } },
          };
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      const send = (): void => {
        if (res.destroyed) return;
        const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        res.writeHead(answer.status, {
          'content-type': answer.raw ? 'text/html' : 'application/json',
          ...answer.headers,
        });
        res.end(text);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A route that gives `answers` in turn, then the last one forever. */
export function inTurn(...answers: Answer[]): Route {
  let next = 0;
  return () => answers[Math.min(next++, answers.length - 1)]!;
}
