import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { deleteSubscription } from '../domain/subscriptions.js';
import { subscriptionPorts } from '../wiring.js';

/** DELETE /subscriptions/{id}: 204; 404 for a missing one or another owner's. */
export const handler = httpHandler(async (event) => {
  await deleteSubscription(subscriptionPorts(), callerFrom(event), pathParameter(event, 'id'));
  return { statusCode: 204 };
});
