import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { header, jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger } from '#shared/kernel/powertools.js';
import { config } from '../config.js';
import { createCampaign } from '../domain/campaigns.js';
import { campaignPorts } from '../wiring.js';

/** Up to 100 stages, each a spec of a few KB. */
const MAX_CAMPAIGN_BODY_BYTES = 1024 * 1024;

/** POST /campaigns: 201 with the campaign (stage 0 PENDING, the others WAITING), 200 when an Idempotency-Key replays one. */
export const handler = httpHandler(async (event) => {
  const result = await createCampaign(
    campaignPorts((err, simulationId) =>
      logger.error('Simulation Submitted not published; the finder will pick the stage up', {
        simulationId,
        error: err as Error,
      }),
    ),
    { localBackendEnabled: config.localBackendEnabled },
    {
      caller: callerFrom(event),
      body: jsonBody(event, MAX_CAMPAIGN_BODY_BYTES),
      idempotencyKey: header(event, 'idempotency-key'),
    },
  );
  const headers: Record<string, string> = { location: `/campaigns/${result.campaign.id}` };
  if (result.replayed) headers['idempotent-replayed'] = 'true';
  return json(result.replayed ? 200 : 201, result.campaign, headers);
});
