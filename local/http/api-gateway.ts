import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldIssue } from '#schemas/generated/types.js';
import { FunctionThrottledError } from '../lambda/errors.js';

/** One `httpApi` event of a function, as serverless.yml declares it. */
export interface HttpRoute {
  method: string;
  path: string;
  authorized: boolean;
  invoke: (event: APIGatewayProxyEventV2WithJWTAuthorizer) => Promise<unknown>;
}

/**
 * A route of the local platform itself (e.g. POST /local/tokens): not a
 * service's, never deployed. Answered to loopback clients only, without the
 * JWT authorizer; the answer is JSON.
 */
export interface LocalRoute {
  method: string;
  path: string;
  handle: (request: {
    body: string;
    headers: IncomingHttpHeaders;
  }) => Promise<{ statusCode: number; body: unknown }>;
}

/**
 * Browser access (CORS), as API Gateway HTTP API's CorsConfiguration: the
 * root serverless.yml's `custom.cors` (`corsConfiguration`), so local and
 * cloud read one definition.
 */
export interface CorsConfiguration {
  /** Exact origins, `*`, or an origin prefix ending in `*` (`https://*`, `http://localhost:*`). */
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
}

/** The CORS configuration of a stage from the root serverless.yml (resolved): its own origins, or `default`'s. */
export function corsConfiguration(rootConfig: Record<string, unknown>, stage: string): CorsConfiguration {
  const cors = ((rootConfig['custom'] as Record<string, unknown> | undefined)?.['cors'] ?? {}) as {
    allowedOrigins?: Record<string, string[] | undefined>;
    allowedMethods?: string[];
    allowedHeaders?: string[];
    exposedHeaders?: string[];
    maxAgeSeconds?: number;
  };
  return {
    allowOrigins: cors.allowedOrigins?.[stage] ?? cors.allowedOrigins?.['default'] ?? [],
    allowMethods: cors.allowedMethods ?? [],
    allowHeaders: cors.allowedHeaders ?? [],
    exposeHeaders: cors.exposedHeaders ?? [],
    maxAgeSeconds: cors.maxAgeSeconds ?? 0,
  };
}

/** The Access-Control-Allow-Origin an origin gets, or undefined when it is not allowed. */
export function allowedOrigin(cors: CorsConfiguration, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  for (const allowed of cors.allowOrigins) {
    if (allowed === '*') return '*';
    if (allowed === origin) return origin;
    if (
      allowed.endsWith('*') &&
      origin.startsWith(allowed.slice(0, -1)) &&
      origin.length > allowed.length - 1
    )
      return origin;
  }
  return undefined;
}

export interface ApiGatewayOptions {
  routes: HttpRoute[];
  localRoutes?: LocalRoute[];
  /** Without it, no CORS: a preflight finds no route (404), and answers carry no CORS headers. */
  cors?: CorsConfiguration;
  /** Verifies a bearer token; returns the claims as HTTP API hands them to Lambda, or undefined if refused. */
  authorize: (token: string) => Promise<Record<string, string> | undefined>;
  onError?: (err: unknown) => void;
}

/** API Gateway's own payload limit; the handlers enforce their smaller one. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends HttpRoute {
  regex: RegExp;
  params: string[];
  routeKey: string;
  specificity: number;
}

function compile(route: HttpRoute): CompiledRoute {
  const params: string[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        params.push(greedy[1]!);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        params.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return {
    ...route,
    regex: new RegExp(`^${pattern}/?$`),
    params,
    routeKey: `${route.method.toUpperCase()} ${route.path}`,
    // Literal segments win over parameters, as in API Gateway.
    specificity: route.path.split('/').filter((s) => s && !s.startsWith('{')).length,
  };
}

function gatewayReply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message }));
}

function errorReply(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  issues?: FieldIssue[],
): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message, ...(issues ? { issues } : {}) } }));
}

/**
 * A function with no instance to spare: 429 when its wait queue is full (as
 * API Gateway answers Lambda's TooManyRequestsException), 503 when the
 * request waited its longest; both at once and with Retry-After.
 */
function throttledReply(res: ServerResponse, error: FunctionThrottledError): void {
  res.writeHead(error.reason === 'queue-full' ? 429 : 503, {
    'content-type': 'application/json',
    'retry-after': String(error.retryAfterSeconds),
  });
  res.end(
    JSON.stringify({ message: error.reason === 'queue-full' ? 'Too Many Requests' : 'Service Unavailable' }),
  );
}

/** A percent-encoded URL part, decoded; undefined when its encoding is malformed. */
function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const MALFORMED_ENCODING =
  'is not valid percent-encoding (each % must start an escape of UTF-8 bytes, such as %2F)';

/**
 * The query string as payload 2.0 carries it (repeated names joined by
 * commas, `+` a space), or the issue naming the part that cannot be decoded.
 */
export function parseQueryString(raw: string): { query: Record<string, string> } | { issue: FieldIssue } {
  const query: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    if (key === undefined)
      return { issue: { field: 'query', message: `a parameter name ${MALFORMED_ENCODING}` } };
    const value = decodeComponent((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' '));
    if (value === undefined) return { issue: { field: `query.${key}`, message: MALFORMED_ENCODING } };
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  return { query };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a server listening on `::`). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

async function serveLocal(route: LocalRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  // A proxy on this machine would make remote clients look local: refuse what came through one.
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers['forwarded'] !== undefined;
  if (!isLoopback(req.socket.remoteAddress) || proxied) {
    errorReply(
      res,
      403,
      'Forbidden',
      `${route.method} ${route.path} answers clients on this machine only (loopback, not through a proxy)`,
    );
    return;
  }
  if (method !== route.method.toUpperCase()) {
    res.setHeader('allow', route.method.toUpperCase());
    errorReply(
      res,
      405,
      'MethodNotAllowed',
      `${route.path} takes ${route.method.toUpperCase()}, not ${method}`,
    );
    return;
  }
  const body = await readBody(req);
  if (body === 'too-large') {
    gatewayReply(res, 413, 'Request Entity Too Large');
    return;
  }
  const answer = await route.handle({ body: body.toString('utf8'), headers: req.headers });
  res.writeHead(answer.statusCode, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(answer.body));
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toResult(value: unknown): APIGatewayProxyStructuredResultV2 {
  if (value && typeof value === 'object' && 'statusCode' in value)
    return value as APIGatewayProxyStructuredResultV2;
  // HTTP API payload 2.0: anything else is a 200 with a JSON body.
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** The route's path parameters and the query, decoded; or the issues naming what cannot be. */
function decodeRequestUrl(
  route: CompiledRoute,
  url: URL,
): { pathParameters: Record<string, string>; query: Record<string, string> } | { issues: FieldIssue[] } {
  const values = route.regex.exec(url.pathname)!.slice(1);
  const issues: FieldIssue[] = [];
  const pathParameters: Record<string, string> = {};
  route.params.forEach((param, i) => {
    const value = decodeComponent(values[i]!);
    if (value === undefined) issues.push({ field: `path.${param}`, message: MALFORMED_ENCODING });
    else pathParameters[param] = value;
  });
  const parsedQuery = parseQueryString(url.search.slice(1));
  if ('issue' in parsedQuery) issues.push(parsedQuery.issue);
  if (issues.length > 0 || 'issue' in parsedQuery) return { issues };
  return { pathParameters, query: parsedQuery.query };
}

/**
 * An HTTP API (payload format 2.0) in front of the functions' real handlers:
 * routes, JWT authorizer, the request event and the response mapping; plus the
 * local platform's own routes, for loopback clients.
 */
export function createApiGateway(options: ApiGatewayOptions): Server {
  const routes = options.routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  const localRoutes = options.localRoutes ?? [];

  const server = createServer((req, res) => {
    void (async () => {
      const started = Date.now();
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const local = localRoutes.find((r) => r.path === url.pathname.replace(/(.)\/$/, '$1'));
      if (local) {
        await serveLocal(local, req, res);
        return;
      }
      if (options.cors) {
        // As API Gateway with a CORS configuration: a preflight is answered here, no route or
        // function involved; every answer to an allowed origin carries the CORS headers (set
        // before any writeHead, so the gateway's own 401/404/429 carry them too), others none.
        const origin = allowedOrigin(options.cors, req.headers.origin);
        res.setHeader('vary', 'Origin');
        if (origin) res.setHeader('access-control-allow-origin', origin);
        if (method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) {
          if (origin) {
            res.setHeader('access-control-allow-methods', options.cors.allowMethods.join(','));
            res.setHeader('access-control-allow-headers', options.cors.allowHeaders.join(','));
            res.setHeader('access-control-max-age', String(options.cors.maxAgeSeconds));
          }
          res.writeHead(204);
          res.end();
          return;
        }
        if (origin && options.cors.exposeHeaders.length > 0)
          res.setHeader('access-control-expose-headers', options.cors.exposeHeaders.join(','));
      }
      const matches = routes.filter((r) => r.regex.test(url.pathname));
      const route = matches.find((r) => r.method.toUpperCase() === method || r.method === '*');
      if (!route) {
        gatewayReply(res, 404, 'Not Found');
        return;
      }
      // Before the authorizer, as API Gateway refuses a URL it cannot decode.
      const decoded = decodeRequestUrl(route, url);
      if ('issues' in decoded) {
        errorReply(res, 400, 'ValidationError', 'the request URL is malformed', decoded.issues);
        return;
      }
      const { pathParameters, query } = decoded;
      const body = await readBody(req);
      if (body === 'too-large') {
        gatewayReply(res, 413, 'Request Entity Too Large');
        return;
      }
      let claims: Record<string, string> = {};
      if (route.authorized) {
        const auth = req.headers.authorization ?? '';
        const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
        const verified = token ? await options.authorize(token) : undefined;
        if (!verified) {
          gatewayReply(res, 401, 'Unauthorized');
          return;
        }
        claims = verified;
      }
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      const requestId = randomUUID();
      const event = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(route.params.length ? { pathParameters } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: headers['host'] ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method,
            path: url.pathname,
            protocol: `HTTP/${req.httpVersion}`,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: headers['user-agent'] ?? '',
          },
          requestId,
          routeKey: route.routeKey,
          stage: '$default',
          time: new Date(started).toUTCString(),
          timeEpoch: started,
          authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
        },
        ...(body.length ? { body: body.toString('utf8') } : {}),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = toResult(await route.invoke(event));
      } catch (err) {
        if (err instanceof FunctionThrottledError) {
          throttledReply(res, err);
          return;
        }
        options.onError?.(err);
        gatewayReply(res, 500, 'Internal Server Error');
        return;
      }
      const responseHeaders: Record<string, string> = { 'apigw-requestid': requestId };
      for (const [key, value] of Object.entries(result.headers ?? {})) {
        // With a CORS configuration, API Gateway ignores the CORS headers a function returns.
        if (options.cors && key.toLowerCase().startsWith('access-control-')) continue;
        responseHeaders[key] = String(value);
      }
      res.writeHead(result.statusCode ?? 200, responseHeaders);
      res.end(
        result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
      );
    })().catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) gatewayReply(res, 500, 'Internal Server Error');
    });
  });
  // Longer than clients' keep-alive (undici: 4 s), so a client never reuses a connection the gateway is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
