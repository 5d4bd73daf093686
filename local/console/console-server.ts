/**
 * The web console on the local platform: the built app (`web/dist`) on its
 * own port, as CloudFront serves it on AWS (web/serverless.yml). Its own port
 * because the console's pages (`/simulations/:id`) would collide with the
 * API's paths. It answers:
 *
 * - `/config.json`, made here from the running platform (the API's URL, the
 *   local OpenID provider and its web client, stage `local`), as a deploy
 *   writes it from the stacks' outputs;
 * - a file of `web/dist` when the path names one (`/assets/*` immutable,
 *   everything else revalidated);
 * - `index.html` for a path without a file extension (the SPA's pages); a
 *   missing file with an extension stays a 404, as the CloudFront Function
 *   decides;
 * - on every answer, the security headers of the CloudFront stack, read from
 *   web/serverless.yml's `custom.securityHeaders` (`consoleSecurityHeaders`).
 */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { loadServerlessConfig } from '../wiring/serverless-config.js';

/** What `/config.json` holds: web/src/config/runtime-config.ts reads it. */
export interface ConsoleRuntimeConfig {
  apiUrl: string;
  auth: { authority: string; clientId: string; scopes: string[]; logoutUrl?: string };
  stage: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The Content-Type of a console file by its extension (application/octet-stream when unknown). */
export function consoleContentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Content-hashed build output never changes under its name; the rest is revalidated at each load. */
export function consoleCacheControl(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The console's page paths (no file extension in the last segment) answer index.html. */
export function isConsolePage(urlPath: string): boolean {
  return !(urlPath.split('/').pop() ?? '').includes('.');
}

/**
 * The security headers CloudFront's response headers policy sets
 * (web/serverless.yml `custom.securityHeaders`), with the origins the
 * console's scripts may call (`connect-src`) given as the deploy gives them.
 */
export function consoleSecurityHeaders(
  webStackFile: string,
  origins: { apiOrigin: string; authOrigins: string[] },
): Record<string, string> {
  const config = loadServerlessConfig(webStackFile, {
    stage: 'local',
    region: 'us-east-1',
    params: { apiOrigin: origins.apiOrigin, authOrigins: origins.authOrigins.join(' ') },
  });
  const headers = (config.raw['custom'] as { securityHeaders: Record<string, unknown> }).securityHeaders;
  return {
    'content-security-policy': String(headers['contentSecurityPolicy']),
    'strict-transport-security': `max-age=${String(headers['hstsMaxAgeSeconds'])}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': String(headers['frameOption']),
    'referrer-policy': String(headers['referrerPolicy']),
  };
}

export interface ConsoleServerOptions {
  /** The built console (web/dist). */
  distDir: string;
  /** The platform's /config.json; undefined until the API listens (answered 503 until then). */
  runtimeConfig: () => ConsoleRuntimeConfig | undefined;
  /** Set on every answer. */
  securityHeaders: () => Record<string, string>;
}

/** The request handler of the console's server. */
export function consoleRequestHandler(
  options: ConsoleServerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const distDir = path.resolve(options.distDir);
  return (req, res) => {
    void answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = options.securityHeaders();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://console').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (urlPath === '/config.json') {
      const config = options.runtimeConfig();
      if (!config) {
        res.writeHead(503, { ...headers, 'retry-after': '1' }).end();
        return;
      }
      res.writeHead(200, {
        ...headers,
        'content-type': consoleContentType(urlPath),
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(config));
      return;
    }
    if (!existsSync(path.join(distDir, 'index.html'))) {
      res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('The console is not built: run `npm run web:build` (npm start builds it when missing).\n');
      return;
    }
    const file = await servedFile(urlPath);
    if (!file) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': consoleContentType(file.path),
      'content-length': String(file.size),
      'cache-control': consoleCacheControl(file.page ? '/index.html' : urlPath),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file.path).pipe(res);
  }

  /** The file a path names inside distDir, or index.html for a page; undefined for a missing file. */
  async function servedFile(
    urlPath: string,
  ): Promise<{ path: string; size: number; page: boolean } | undefined> {
    const candidate = path.resolve(distDir, `.${urlPath}`);
    if (candidate.startsWith(`${distDir}${path.sep}`)) {
      const stat = await fs.stat(candidate).catch(() => undefined);
      if (stat?.isFile()) return { path: candidate, size: stat.size, page: false };
    }
    if (!isConsolePage(urlPath)) return undefined;
    const index = path.join(distDir, 'index.html');
    return { path: index, size: (await fs.stat(index)).size, page: true };
  }
}
