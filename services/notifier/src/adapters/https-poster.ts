/**
 * POSTs to webhook targets with node's http(s) client, checking in its DNS
 * lookup every address the connection may use (domain/target-check.ts): a
 * name that resolved to a public address at subscription time and to
 * 169.254.169.254 now is refused before a byte is sent. No redirects are
 * followed (a 3xx is a failed delivery), bodies are not read past 64 KB.
 */
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { HttpPoster, ResolveHost } from '../domain/ports.js';
import { checkConnectAddress } from '../domain/target-check.js';

/** A name that does not resolve within this long is refused (a request must not hang on DNS). */
const RESOLVE_TIMEOUT_MS = 3_000;

export const resolveHost: ResolveHost = (host) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no DNS answer within ${RESOLVE_TIMEOUT_MS} ms`)),
      RESOLVE_TIMEOUT_MS,
    );
    dnsLookup(host, { all: true }, (err, addresses) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(addresses.map((a) => a.address));
    });
  });

function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      try {
        for (const entry of addresses) checkConnectAddress(entry.address, allowLoopback);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if (options.all)
        return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export function createHttpsPoster(options: { allowLoopback: boolean; timeoutMs: number }): HttpPoster {
  const lookup = guardedLookup(options.allowLoopback);
  return {
    post(url, headers, body) {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise((resolve, reject) => {
        const req = send(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
            lookup,
            timeout: options.timeoutMs,
          },
          (res) => {
            let read = 0;
            res.on('data', (chunk: Buffer) => {
              read += chunk.length;
              if (read > 64 * 1024) res.destroy();
            });
            res.on('close', () => {
              const retryAfter = Number(res.headers['retry-after']);
              resolve({
                statusCode: res.statusCode ?? 0,
                ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
              });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}
