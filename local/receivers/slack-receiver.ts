/**
 * A local stand-in for Slack, for the notifier's tests and bench: the Web API's
 * `chat.postMessage` and `chat.update` (Bearer token checked; answers
 * `{ok, channel, ts}` or `{ok:false, error}`) under `/api/`, and incoming
 * webhooks under `/services/`. It enforces Slack's rate limit (more than
 * `perSecond` messages to one channel within a second answers 429 with
 * Retry-After), can be told to fail (5xx, 429) or be down, and records every
 * message with its channel, time and thread.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackPost {
  method: 'chat.postMessage' | 'chat.update' | 'webhook';
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  at: number;
}

export interface SlackReceiver {
  apiUrl: string;
  webhookPrefix: string;
  token: string;
  posts: SlackPost[];
  /** Requests answered 429 because a channel went over its rate. */
  rateLimited: number;
  /** Messages by channel (threads included), the newest text of each posted message by ts. */
  messages(channel: string): Map<string, SlackPost>;
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  waitFor(predicate: (posts: SlackPost[]) => boolean, timeoutMs?: number): Promise<void>;
  /** The most messages one channel got within any 1-second window. */
  maxPerSecond(channel: string): number;
  close(): Promise<void>;
}

export async function startSlackReceiver(
  options: { port?: number; perSecond?: number } = {},
): Promise<SlackReceiver> {
  const token = 'xoxb-local-test-token-0000';
  const perSecond = options.perSecond ?? 1;
  const posts: SlackPost[] = [];
  const recent = new Map<string, number[]>();
  let failures = { count: 0, status: 200, retryAfterSeconds: undefined as number | undefined };
  let rateLimited = 0;
  let sequence = 0;
  const waiters: (() => void)[] = [];

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return answer(400, { ok: false, error: 'invalid_json' });
      }
      if (failures.count > 0) {
        failures.count -= 1;
        const headers: Record<string, string> =
          failures.retryAfterSeconds !== undefined
            ? { 'retry-after': String(failures.retryAfterSeconds) }
            : {};
        return answer(failures.status, { ok: false, error: 'failing_on_purpose' }, headers);
      }
      const url = req.url ?? '';
      const webhook = url.startsWith('/services/');
      const method = webhook ? 'webhook' : url.replace(/^\/api\//, '');
      if (!webhook && req.headers.authorization !== `Bearer ${token}`)
        return answer(200, { ok: false, error: 'invalid_auth' });
      if (!webhook && method !== 'chat.postMessage' && method !== 'chat.update')
        return answer(200, { ok: false, error: 'unknown_method' });
      const channel = webhook ? url : String(body['channel'] ?? '');
      if (!channel) return answer(200, { ok: false, error: 'channel_not_found' });
      // Slack's rate limit: about one message a second per channel.
      const now = Date.now();
      const window = (recent.get(channel) ?? []).filter((t) => now - t < 1000);
      if (window.length >= perSecond) {
        rateLimited += 1;
        recent.set(channel, window);
        return answer(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      }
      window.push(now);
      recent.set(channel, window);
      const ts =
        method === 'chat.update'
          ? String(body['ts'])
          : `${Math.floor(now / 1000)}.${String((sequence += 1)).padStart(6, '0')}`;
      posts.push({
        method: method as SlackPost['method'],
        channel,
        ts,
        ...(body['thread_ts'] !== undefined ? { threadTs: String(body['thread_ts']) } : {}),
        text: String(body['text'] ?? ''),
        ...(Array.isArray(body['blocks']) ? { blocks: body['blocks'] as unknown[] } : {}),
        at: now,
      });
      for (const wake of waiters.splice(0)) wake();
      if (webhook) return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return answer(200, { ok: true, channel, ts });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api`,
    webhookPrefix: `${base}/services/`,
    token,
    posts,
    get rateLimited() {
      return rateLimited;
    },
    messages(channel) {
      const byTs = new Map<string, SlackPost>();
      for (const post of posts.filter((p) => p.channel === channel && p.threadTs === undefined))
        byTs.set(post.ts, post);
      return byTs;
    },
    failNext(count, status, retryAfterSeconds) {
      failures = { count, status, retryAfterSeconds };
    },
    async waitFor(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(posts)) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`Slack receiver: not there within ${timeoutMs} ms (${posts.length} posts)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 1000));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    maxPerSecond(channel) {
      const times = posts
        .filter((p) => p.channel === channel)
        .map((p) => p.at)
        .sort((a, b) => a - b);
      let best = 0;
      for (let i = 0, j = 0; j < times.length; j += 1) {
        while (times[j]! - times[i]! >= 1000) i += 1;
        best = Math.max(best, j - i + 1);
      }
      return best;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
