import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { bodyText, pathParameter } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { ValidationError } from '#shared/kernel/errors.js';
import { rotateSigningSecret } from '../domain/subscriptions.js';
import { subscriptionPorts } from '../wiring.js';

/** POST /subscriptions/{id}/secret: 200 with the new secret (once, unless the caller gave it); the old one signs for a day more. */
export const handler = httpHandler(async (event) => {
  const text = bodyText(event, 16 * 1024).trim();
  let body: unknown = {};
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ValidationError('request body is not valid JSON', [
        { field: 'body', message: 'is not valid JSON' },
      ]);
    }
  }
  return json(
    200,
    await rotateSigningSecret(subscriptionPorts(), callerFrom(event), pathParameter(event, 'id'), body),
  );
});
