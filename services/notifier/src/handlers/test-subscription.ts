import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { testSubscription } from '../domain/subscriptions.js';
import { testPorts } from '../wiring.js';

/** POST /subscriptions/{id}/test: sends one signed test message; 200 saying whether the target took it. */
export const handler = httpHandler(async (event) =>
  json(200, await testSubscription(testPorts(), callerFrom(event), pathParameter(event, 'id'))),
);
