import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { controlCampaign } from '../domain/campaigns.js';
import { campaignPorts } from '../wiring.js';

const ACTIONS = ['pause', 'resume', 'cancel'] as const;

/**
 * POST /campaigns/{id}/pause: 202, no stage is released until resume (running ones go on).
 * POST /campaigns/{id}/resume: 202, every waiting stage whose predecessor ended meanwhile released.
 * POST /campaigns/{id}/cancel: 202, waiting stages CANCELLED, active ones CANCELLING.
 */
export const handler = httpHandler(async (event) => {
  const action = ACTIONS.find((a) => event.routeKey.endsWith(`/${a}`))!;
  const ports = campaignPorts((err, simulationId) =>
    logger.error('event not published; the finder will pick the stage up', {
      simulationId,
      error: err as Error,
    }),
  );
  return json(202, await controlCampaign(ports, callerFrom(event), pathParameter(event, 'id'), action));
});
