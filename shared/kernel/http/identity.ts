import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { UnauthorizedError } from '../errors.js';

export interface Caller {
  userId: string;
  username?: string;
  groups: string[];
  isAdmin: boolean;
}

export const ADMIN_GROUP = 'admin';

/**
 * HTTP API JWT authorizers hand claims over as strings; a list claim such as
 * cognito:groups arrives as "[admin researchers]". Accept that and real arrays.
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        return (JSON.parse(trimmed) as unknown[]).map(String);
      } catch {
        // not JSON: fall through to the space-separated form
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
}

export function callerFrom(event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') {
    throw new UnauthorizedError('no authenticated caller: send Authorization: Bearer <token>');
  }
  const groups = parseGroupsClaim(claims['cognito:groups']);
  const username = claims['cognito:username'];
  return {
    userId: sub,
    username: typeof username === 'string' ? username : undefined,
    groups,
    isAdmin: groups.includes(ADMIN_GROUP),
  };
}
