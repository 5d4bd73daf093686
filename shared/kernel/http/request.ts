import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError } from '../errors.js';

/** Simulation specs are small; anything larger is a mistake or abuse. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The raw body as text, refusing oversized bodies before parsing anything. */
export function bodyText(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): string {
  if (event.body === undefined || event.body === null) return '';
  const buffer = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (buffer.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes, buffer.byteLength);
  return buffer.toString('utf8');
}

/** Parses a JSON body; an empty or malformed body is a 400 that says where it broke. */
export function jsonBody(event: APIGatewayProxyEventV2, maxBytes = MAX_BODY_BYTES): unknown {
  const text = bodyText(event, maxBytes);
  if (text.trim() === '') {
    throw new ValidationError('request body is empty; send the simulation spec as JSON', [
      { field: 'body', message: 'is required' },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ValidationError('request body is not valid JSON', [
      { field: 'body', message: `is not valid JSON: ${detail}` },
    ]);
  }
}

/** Header lookup ignoring case, as HTTP requires (HTTP API lower-cases them, other callers may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value)
    throw new ValidationError(`path parameter ${name} is missing`, [
      { field: `path.${name}`, message: 'is required' },
    ]);
  return value;
}
