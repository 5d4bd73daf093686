import { describe, expect, it } from '@jest/globals';
import {
  loadSecrets,
  PREVIOUS_SECRET_VALID_MS,
  rotateSecret,
  storeSecrets,
} from '#services/notifier/src/domain/secrets.js';
import { signedHeaders, verifyWebhook } from '#services/notifier/src/domain/webhook-signature.js';
import { memorySecretStore } from '#test/helpers/notifier.js';

describe('secret rotation', () => {
  it('signs with the new and the old secret for a day, then with the new one only', async () => {
    const store = memorySecretStore();
    const t0 = 1_800_000_000_000;
    const [older, newer] = [
      'whsec_b2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xkb2xk',
      'whsec_bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3bmV3',
    ];
    await storeSecrets(store, 'subscriptions/sub_x', [older]);
    await rotateSecret(store, 'subscriptions/sub_x', newer, t0);
    const during = await loadSecrets(store, 'subscriptions/sub_x', t0 + PREVIOUS_SECRET_VALID_MS - 1);
    expect(during).toEqual([newer, older]);
    const headers = signedHeaders(during, 'msg_1', t0 / 1000, '{}');
    for (const secret of during) expect(() => verifyWebhook(secret, headers, '{}', t0 / 1000)).not.toThrow();
    expect(await loadSecrets(store, 'subscriptions/sub_x', t0 + PREVIOUS_SECRET_VALID_MS + 1)).toEqual([
      newer,
    ]);
  });

  it('reads the first stored form (a list, current first)', async () => {
    const store = memorySecretStore();
    await store.put('subscriptions/sub_y', JSON.stringify(['whsec_a', 'whsec_b']));
    expect(await loadSecrets(store, 'subscriptions/sub_y')).toEqual(['whsec_a', 'whsec_b']);
    expect(await loadSecrets(store, 'subscriptions/none')).toEqual([]);
  });
});
