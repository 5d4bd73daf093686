import { httpHandler } from '#shared/kernel/http/handler.js';
import openApiDocument from '#schemas/generated/openapi.json' with { type: 'json' };

/** Serialised once per cold start: the document is some 100 KB and never changes within a bundle. */
const DOCUMENT_TEXT = JSON.stringify(openApiDocument);

/**
 * GET /openapi.json: the API's OpenAPI 3.1 document, without authorizer. The
 * bundle carries it (schemas/generated/openapi.json, from
 * schemas/openapi/openapi.yaml by `npm run gen:openapi`), so it describes the
 * code it was deployed with.
 */
export const handler = httpHandler(async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
  body: DOCUMENT_TEXT,
}));
