import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ajv, validatorFor } from '#schemas/validator.js';
import { apiRoutes } from '#scripts/fuzz/api-routes.js';
import { loadSchemas } from '#scripts/gen-types.js';
import { OPENAPI_SOURCE, schemaIdOfSourceRef } from '#scripts/gen-openapi.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const source = parse(readFileSync(path.join(repoRoot, OPENAPI_SOURCE), 'utf8')) as Json;
const files = await loadSchemas(repoRoot);

/** `GET /simulations/{id}/results/files/{key}`: serverless.yml's greedy `{key+}` is `{key}` in OpenAPI. */
function routeKey(method: string, routePath: string): string {
  return `${method.toUpperCase()} ${routePath.replace(/\{(\w+)\+\}/g, '{$1}')}`;
}

/** The routes the document names, as `METHOD /path`. */
function documentRoutes(document: Json): string[] {
  const keys: string[] = [];
  for (const [routePath, item] of Object.entries(document['paths'] as Record<string, Json>)) {
    for (const method of METHODS) if (item[method] !== undefined) keys.push(routeKey(method, routePath));
  }
  return keys.sort();
}

/** A local `#/...` pointer of the document, followed. */
function resolveLocal(ref: string): Json {
  let node: unknown = source;
  for (const part of ref.slice(2).split('/'))
    node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (node === undefined) throw new Error(`${ref} points at nothing`);
  return node as Json;
}

function deref(node: Json): Json {
  return typeof node['$ref'] === 'string' && node['$ref'].startsWith('#')
    ? deref(resolveLocal(node['$ref']))
    : node;
}

/** Validates against a document schema: a `$ref` to a schema file (by its `$id`), a `oneOf` of them, or inline. */
function validates(schema: Json, value: unknown): { ok: boolean; errors: unknown } {
  const data = structuredClone(value);
  if (Array.isArray(schema['oneOf'])) {
    const results = (schema['oneOf'] as Json[]).map((branch) => validates(branch, value));
    return { ok: results.filter((r) => r.ok).length === 1, errors: results.map((r) => r.errors) };
  }
  if (typeof schema['$ref'] === 'string') {
    const { id, fragment } = schemaIdOfSourceRef(schema['$ref'], files);
    const validate = fragment === '' ? validatorFor(id) : ajv.getSchema(`${id}#${fragment}`)!;
    return { ok: validate(data) as boolean, errors: validate.errors };
  }
  const validate = ajv.compile(schema);
  return { ok: validate(data) as boolean, errors: validate.errors };
}

interface Example {
  where: string;
  schema: Json;
  value: unknown;
}

/** Every example of the document with the schema it illustrates: media types' and parameters'. */
function examples(): Example[] {
  const found: Example[] = [];
  const fromMedia = (where: string, media: Json) => {
    const schema = media['schema'] as Json | undefined;
    if (!schema) return;
    for (const [name, example] of Object.entries((media['examples'] ?? {}) as Record<string, Json>)) {
      found.push({ where: `${where} examples.${name}`, schema, value: deref(example)['value'] });
    }
    if (media['example'] !== undefined)
      found.push({ where: `${where} example`, schema, value: media['example'] });
  };
  const fromContent = (where: string, holder: Json | undefined) => {
    for (const [type, media] of Object.entries(
      (deref(holder ?? {})['content'] ?? {}) as Record<string, Json>,
    ))
      fromMedia(`${where} ${type}`, media);
  };
  const fromParameters = (where: string, parameters: Json[] | undefined) => {
    for (const parameter of (parameters ?? []).map(deref)) {
      if (parameter['example'] !== undefined)
        found.push({
          where: `${where} parameter ${String(parameter['name'])}`,
          schema: parameter['schema'] as Json,
          value: parameter['example'],
        });
    }
  };
  for (const [routePath, item] of Object.entries(source['paths'] as Record<string, Json>)) {
    fromParameters(routePath, item['parameters'] as Json[] | undefined);
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const where = routeKey(method, routePath);
      fromParameters(where, operation['parameters'] as Json[] | undefined);
      fromContent(`${where} request`, operation['requestBody'] as Json | undefined);
      for (const [status, response] of Object.entries((operation['responses'] ?? {}) as Record<string, Json>))
        fromContent(`${where} ${status}`, response);
    }
  }
  return found;
}

describe('the OpenAPI document (schemas/openapi/openapi.yaml)', () => {
  it('names every route of every serverless.yml, and no other (method and path)', () => {
    const declared = [...new Set(apiRoutes().map((route) => routeKey(route.method, route.path)))].sort();
    const documented = documentRoutes(source);
    expect({
      missingFromDocument: declared.filter((key) => !documented.includes(key)),
      inDocumentOnly: documented.filter((key) => !declared.includes(key)),
    }).toEqual({ missingFromDocument: [], inDocumentOnly: [] });
  });

  it('asks for the bearer token on every route but those serverless.yml leaves without authorizer (open, or a site credential the handler checks)', () => {
    const globalSecurity = source['security'];
    const open = apiRoutes()
      .filter((route) => !route.authorized)
      .map((route) => routeKey(route.method, route.path))
      .sort();
    const documentedOpen: string[] = [];
    for (const [routePath, item] of Object.entries(source['paths'] as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        const security = (operation['security'] ?? globalSecurity) as Record<string, unknown>[];
        const withoutJwt = security.every((scheme) => !('cognitoJwt' in scheme));
        if (withoutJwt) documentedOpen.push(routeKey(method, routePath));
      }
    }
    expect(documentedOpen.sort()).toEqual(open);
  });

  it('has examples, and every one validates against its schema with the platform Ajv', () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(20);
    const failures = all
      .map((example) => ({ example, result: validates(example.schema, example.value) }))
      .filter(({ result }) => !result.ok)
      .map(({ example, result }) => ({ where: example.where, errors: result.errors }));
    expect(failures).toEqual([]);
  });

  it('sees an example that breaks its schema (the check above can fail)', () => {
    const schema = { $ref: '../api/health-response.schema.json' };
    expect(validates(schema, { status: 'ok', service: 'submission', time: 'yesterday' }).ok).toBe(false);
  });

  it('references the schemas of schemas/ for every JSON body, never an inline copy', () => {
    const inline: string[] = [];
    for (const [routePath, item] of Object.entries(source['paths'] as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (!operation) continue;
        const bodies = [
          ['request', operation['requestBody']],
          ...Object.entries((operation['responses'] ?? {}) as Record<string, Json>),
        ] as [string, Json | undefined][];
        for (const [status, holder] of bodies) {
          const media = ((deref(holder ?? {})['content'] ?? {}) as Record<string, Json>)['application/json'];
          const schema = media?.['schema'] as Json | undefined;
          if (!schema || routePath === '/openapi.json') continue;
          const refs = schema['$ref']
            ? [schema['$ref']]
            : ((schema['oneOf'] ?? []) as Json[]).map((b) => b['$ref']);
          if (refs.length === 0 || refs.some((ref) => typeof ref !== 'string'))
            inline.push(`${routeKey(method, routePath)} ${status}`);
        }
      }
    }
    expect(inline).toEqual([]);
  });
});
