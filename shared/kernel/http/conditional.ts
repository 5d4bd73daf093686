/**
 * Conditional GETs (RFC 9110 ETag / If-None-Match) for answers that pollers
 * read again and again (the console refreshes the simulations list and a
 * simulation every second): the ETag is a hash of the JSON body, so a poll
 * that finds nothing changed is answered 304 with no body. The read behind
 * it still happens (the handler builds the body to hash it); what a 304
 * saves is the transfer and the client's work. No state is kept: any
 * instance answers any poll.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { json } from './responses.js';

/** A strong validator of the exact JSON text the API would send. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** True when one of If-None-Match's tags (or `*`) matches, by weak comparison (W/ ignored). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * A 200 JSON answer with its ETag, or 304 (same ETag, no body) when the
 * request's If-None-Match already names it. `no-cache`: clients (and
 * browsers' caches) revalidate every time rather than trusting a stale copy.
 */
export function conditionalJson(
  event: Pick<APIGatewayProxyEventV2, 'headers'>,
  body: unknown,
): APIGatewayProxyStructuredResultV2 {
  const text = JSON.stringify(body);
  const etag = etagOf(text);
  const headers = { etag, 'cache-control': 'private, no-cache' };
  if (noneMatch(event.headers?.['if-none-match'], etag)) return { statusCode: 304, headers };
  return { ...json(200, body, headers), body: text };
}
