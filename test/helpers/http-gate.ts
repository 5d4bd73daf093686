import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP endpoint that holds every request until released: handlers under
 * test call it to say they started and to wait, so tests order events
 * ("these answers came while those invocations were still running") without
 * timing anything.
 */
export interface HttpGate {
  url: string;
  /** Bodies of the requests received so far. */
  arrivals: string[];
  /** Resolves once `count` requests have arrived. */
  arrived(count: number): Promise<void>;
  /** Answers every held request (and every later one at once). */
  release(answer?: string): void;
  close(): Promise<void>;
}

export async function openHttpGate(): Promise<HttpGate> {
  const held: ServerResponse[] = [];
  const arrivals: string[] = [];
  const listeners: (() => void)[] = [];
  let released: string | undefined;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      arrivals.push(body);
      for (const listener of listeners) listener();
      if (released !== undefined) res.end(released);
      else held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    arrivals,
    arrived: (count) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (arrivals.length >= count) resolve();
        };
        listeners.push(check);
        check();
      }),
    release: (answer = 'released') => {
      released = answer;
      for (const res of held.splice(0)) res.end(answer);
    },
    close: async () => {
      for (const res of held.splice(0)) res.end('closed');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
