import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { createSubscription, parseSubscriptionRequest } from '../domain/subscriptions.js';
import { subscriptionPorts } from '../wiring.js';

/** POST /subscriptions: 201 with the subscription (and its signing secret, once, when we made it). */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const request = parseSubscriptionRequest(jsonBody(event, 16 * 1024));
  return json(201, await createSubscription(subscriptionPorts(), caller, request));
});
