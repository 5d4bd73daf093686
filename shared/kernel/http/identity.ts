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
 * The cognito:groups claim exactly as an HTTP API JWT authorizer hands it over:
 * a list claim arrives as one string, "[admin researchers]" (bracketed,
 * space-separated), or as a JSON array; a real array is accepted too. Cognito
 * group names never contain whitespace but may contain commas, so the string
 * form is split on whitespace only: "[x,admin]" is the one group "x,admin",
 * never the admin group.
 */
export function parseGroupsClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g !== '');
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  const bracketed = trimmed.startsWith('[') && trimmed.endsWith(']');
  const inner = bracketed ? trimmed.slice(1, -1).trim() : trimmed;
  if (bracketed && inner.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      return Array.isArray(parsed) ? parseGroupsClaim(parsed) : [];
    } catch {
      // Not JSON after all: no group can be read from it safely.
      return [];
    }
  }
  return inner.split(/\s+/).filter(Boolean);
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
