import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One route of the API, as a service's serverless.yml declares it (an `httpApi` event). */
export interface ApiRoute {
  service: string;
  functionName: string;
  method: string;
  path: string;
  /** Behind the JWT authorizer. */
  authorized: boolean;
  /** `POST /simulations/{id}/cancel`: the route key, as API Gateway names it. */
  key: string;
}

/**
 * Every route of every service: each `httpApi` event of each function in
 * `services/<name>/serverless.yml`. The fuzzer and the authorization matrix
 * take their list from here, so a new route cannot be left out.
 */
export function apiRoutes(): ApiRoute[] {
  const servicesDir = path.join(repoRoot, 'services');
  const routes: ApiRoute[] = [];
  for (const service of readdirSync(servicesDir).sort()) {
    let text: string;
    try {
      text = readFileSync(path.join(servicesDir, service, 'serverless.yml'), 'utf8');
    } catch {
      continue;
    }
    const config = parse(text) as { functions?: Record<string, { events?: Record<string, unknown>[] }> };
    for (const [functionName, fn] of Object.entries(config.functions ?? {})) {
      for (const event of fn.events ?? []) {
        const http = event['httpApi'];
        if (http === undefined) continue;
        const {
          method,
          path: routePath,
          authorizer,
        } = typeof http === 'string'
          ? { method: http.split(' ')[0]!, path: http.split(' ')[1]!, authorizer: undefined }
          : (http as { method: string; path: string; authorizer?: unknown });
        const upper = method.toUpperCase();
        routes.push({
          service,
          functionName,
          method: upper,
          path: routePath,
          authorized: authorizer !== undefined,
          key: `${upper} ${routePath}`,
        });
      }
    }
  }
  return routes;
}

/** The route's path with its parameters filled in (`{key+}` may hold slashes). */
export function fillPath(routePath: string, values: Record<string, string>): string {
  return routePath.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} of ${routePath}`);
    return value;
  });
}
