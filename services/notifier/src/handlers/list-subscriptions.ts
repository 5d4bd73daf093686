import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { json } from '#shared/kernel/http/responses.js';
import { listSubscriptions } from '../domain/subscriptions.js';
import { subscriptionPorts } from '../wiring.js';

/** GET /subscriptions: the caller's subscriptions (`?scope=team`: the team subscriptions, admins), secrets never shown. */
export const handler = httpHandler(async (event) =>
  json(
    200,
    await listSubscriptions(subscriptionPorts(), callerFrom(event), event.queryStringParameters ?? {}),
  ),
);
