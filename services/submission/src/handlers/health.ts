import { httpHandler } from '#shared/kernel/http/handler.js';
import { json } from '#shared/kernel/http/responses.js';
import type { HealthResponse } from '#schemas/generated/types.js';
import { config } from '../config.js';

/** GET /health: unauthenticated liveness. */
export const handler = httpHandler(async () => {
  const body: HealthResponse = {
    status: 'ok',
    service: 'submission',
    stage: config.stage,
    time: new Date().toISOString(),
  };
  return json(200, body);
});
