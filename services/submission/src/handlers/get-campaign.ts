import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { getCampaign, listCampaigns, parseCampaignListQuery } from '../domain/campaigns.js';
import { campaigns, repository } from '../wiring.js';

/**
 * GET /campaigns/{id}: the stages with their simulations and statuses, and the roll-up;
 * GET /campaigns?limit=&cursor=: the caller's campaigns, newest first.
 */
export const handler = httpHandler(async (event) => {
  const ports = { repository: repository(), campaigns: campaigns() };
  const caller = callerFrom(event);
  if (event.routeKey.endsWith('/campaigns')) {
    return json(
      200,
      await listCampaigns(ports, caller, parseCampaignListQuery(event.queryStringParameters ?? {})),
    );
  }
  return json(200, await getCampaign(ports, caller, pathParameter(event, 'id')));
});
