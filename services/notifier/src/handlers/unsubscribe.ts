import { httpHandler } from '#shared/kernel/http/handler.js';
import { unsubscribeByLink } from '../domain/subscriptions.js';
import { subscriptionPorts } from '../wiring.js';

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

/**
 * The email's unsubscribe link, no token (RFC 8058): POST unsubscribes at
 * once (mail clients' one-click, body `List-Unsubscribe=One-Click`); GET only
 * shows a button that POSTs, since link scanners fetch every link they see.
 * The link's signature is the authorization (domain/email-channel.ts).
 */
export const handler = httpHandler(async (event) => {
  const query = event.queryStringParameters ?? {};
  const link = { subscriptionId: query['s'], ownerToken: query['o'], signature: query['t'] };
  if (event.requestContext.http.method === 'GET') {
    const action = `?${new URLSearchParams({ s: link.subscriptionId ?? '', o: link.ownerToken ?? '', t: link.signature ?? '' })}`;
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: page(
        'Unsubscribe',
        `<form method="post" action="${action.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Stop these emails</button></form>`,
      ),
    };
  }
  await unsubscribeByLink(subscriptionPorts(), link);
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: page('Unsubscribed', '<p>You will get no more of these emails.</p>'),
  };
});
