import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  newWebhookSecret,
  signedHeaders,
  verifyWebhook,
  WebhookVerificationError,
} from '#services/notifier/src/domain/webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  const body = '{"type":"simulation.status_changed","timestamp":"2026-12-07T00:00:00Z","data":{}}';

  it('matches the specification: v1,base64(HMAC-SHA256(base64-decoded secret, "id.timestamp.body"))', () => {
    // The example of the Standard Webhooks specification's reference libraries.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = signedHeaders(
      [secret],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(headers['webhook-signature']).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const expected = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
      .update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}')
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('verifies with either secret during a rotation (both signatures are sent)', () => {
    const [older, newer] = [newWebhookSecret(), newWebhookSecret()];
    const now = 1_800_000_000;
    const headers = signedHeaders([newer, older], 'msg_1', now, body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => verifyWebhook(older, headers, body, now)).not.toThrow();
    expect(() => verifyWebhook(newer, headers, body, now)).not.toThrow();
    expect(() => verifyWebhook(newWebhookSecret(), headers, body, now)).toThrow(WebhookVerificationError);
  });

  it('refuses a changed body, a changed id, and a timestamp outside five minutes (replays)', () => {
    const secret = newWebhookSecret();
    const now = 1_800_000_000;
    const headers = signedHeaders([secret], 'msg_1', now, body);
    expect(() => verifyWebhook(secret, headers, body.replace('{}', '{"x":1}'), now)).toThrow(
      'no matching signature',
    );
    expect(() => verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_2' }, body, now)).toThrow(
      'no matching signature',
    );
    expect(() => verifyWebhook(secret, headers, body, now + 301)).toThrow('timestamp outside the tolerance');
    expect(() => verifyWebhook(secret, {}, body, now)).toThrow('missing headers');
  });

  it('makes secrets of 32 random bytes behind whsec_', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
  });
});
