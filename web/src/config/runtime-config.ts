/**
 * What the console needs to know about the deployment it talks to, read at
 * start from `/config.json` next to index.html: the API's base URL and the
 * OpenID provider to sign in with. The same build serves every stage; the
 * local platform serves this file itself, a deploy writes it from the stack
 * outputs.
 */
export interface RuntimeConfig {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:3000 or https://abc.execute-api.eu-west-1.amazonaws.com. */
  apiUrl: string;
  auth: {
    /** OpenID issuer (the local provider, or Cognito's user-pool issuer). */
    authority: string;
    /** The public app client the console signs in with (PKCE, no secret). */
    clientId: string;
    scopes: string[];
    /** Where the provider's logout ends, when it has one (Cognito's hosted UI /logout). */
    logoutUrl?: string;
  };
  /** Deployment name shown in the header: local, dev, prod. */
  stage: string;
}

export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new RuntimeConfigError(`${field} must be a non-empty string`);
  return value;
}

/** Checks the parsed `/config.json`, naming the first field that is wrong. */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  if (typeof raw !== 'object' || raw === null)
    throw new RuntimeConfigError('config.json must be a JSON object');
  const record = raw as Record<string, unknown>;
  const auth = record['auth'];
  if (typeof auth !== 'object' || auth === null) throw new RuntimeConfigError('auth must be an object');
  const authRecord = auth as Record<string, unknown>;
  const scopes = authRecord['scopes'];
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    throw new RuntimeConfigError('auth.scopes must be a list of strings');
  }
  const logoutUrl = authRecord['logoutUrl'];
  return {
    apiUrl: requireString(record['apiUrl'], 'apiUrl').replace(/\/+$/, ''),
    stage: requireString(record['stage'], 'stage'),
    auth: {
      authority: requireString(authRecord['authority'], 'auth.authority'),
      clientId: requireString(authRecord['clientId'], 'auth.clientId'),
      scopes: scopes as string[],
      ...(typeof logoutUrl === 'string' ? { logoutUrl } : {}),
    },
  };
}

export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new RuntimeConfigError(`GET /config.json answered ${response.status}`);
  return parseRuntimeConfig(await response.json());
}
