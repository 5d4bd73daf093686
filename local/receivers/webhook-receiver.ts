/**
 * A webhook receiver on loopback that verifies every delivery the Standard
 * Webhooks way (services/notifier/src/domain/webhook-signature.ts), as a
 * subscriber's endpoint would: the demo, the notifier's tests and
 * `npm run bench:notify` use it. It can be told to fail (answer 5xx or 429, or
 * be down: connections refused) and counts what it saw, duplicates included
 * (the same `webhook-id` twice).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '#services/notifier/src/domain/webhook-signature.js';

export interface ReceivedWebhook {
  id: string;
  /** The request's path: one receiver can stand for many endpoints. */
  path: string;
  receivedAt: number;
  verified: boolean;
  error?: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  /** Verified deliveries, first receipt of each webhook-id, in arrival order. */
  deliveries: ReceivedWebhook[];
  /** Every request, duplicates and refused ones included. */
  requests: ReceivedWebhook[];
  /** Requests whose webhook-id was seen before and answered 2xx. */
  duplicates: number;
  /** The secret to verify with (set once the subscription answered it). */
  setSecret(secret: string): void;
  /** The answer for the next `count` requests (e.g. 503, or 429 with Retry-After). */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  /** Resolves once `count` verified deliveries have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { port?: number } = {}): Promise<WebhookReceiver> {
  let secret = '';
  let failures: { count: number; status: number; retryAfterSeconds?: number } = { count: 0, status: 200 };
  const deliveries: ReceivedWebhook[] = [];
  const requests: ReceivedWebhook[] = [];
  const accepted = new Set<string>();
  const waiters: (() => void)[] = [];
  let duplicates = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
      );
      const id = String(headers['webhook-id'] ?? '');
      let verified = true;
      let error: string | undefined;
      try {
        verifyWebhook(secret, headers, raw);
      } catch (err) {
        verified = false;
        error = (err as Error).message;
      }
      let body: ReceivedWebhook['body'];
      try {
        body = JSON.parse(raw) as ReceivedWebhook['body'];
      } catch {
        body = { type: '(not JSON)', timestamp: '', data: {} };
      }
      const received: ReceivedWebhook = {
        id,
        path: req.url ?? '',
        receivedAt: Date.now(),
        verified,
        ...(error ? { error } : {}),
        body,
      };
      requests.push(received);
      if (!verified) {
        res.writeHead(401).end(error);
        return;
      }
      if (failures.count > 0) {
        failures.count -= 1;
        const headers: Record<string, string> =
          failures.retryAfterSeconds !== undefined
            ? { 'retry-after': String(failures.retryAfterSeconds) }
            : {};
        res.writeHead(failures.status, headers).end('failing on purpose');
        return;
      }
      if (accepted.has(id)) duplicates += 1;
      else {
        accepted.add(id);
        deliveries.push(received);
      }
      res.writeHead(204).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/hooks/gcr`,
    deliveries,
    requests,
    get duplicates() {
      return duplicates;
    },
    setSecret: (value) => {
      secret = value;
    },
    failNext: (count, status, retryAfterSeconds) => {
      failures = { count, status, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
    },
    async waitFor(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (deliveries.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`${deliveries.length} of ${count} webhook deliveries within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return deliveries;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
