import { describe, expect, it } from '@jest/globals';
import {
  createSubscription,
  listSubscriptions,
  parseSubscriptionRequest,
  type SubscriptionPorts,
} from '#services/notifier/src/domain/subscriptions.js';
import { memorySecretStore, memorySubscriptionStore } from '#test/helpers/notifier.js';

function ports(suppressed: string[]): SubscriptionPorts {
  return {
    subscriptions: memorySubscriptionStore(),
    secrets: memorySecretStore(),
    targets: { allowLoopback: false, resolve: async () => ['203.0.113.7'] },
    suppressions: { isSuppressed: async (address) => suppressed.includes(address) },
    slackWebhookPrefix: 'https://hooks.slack.com/services/',
    now: () => new Date(),
  };
}

describe('listSubscriptions', () => {
  it('says which email subscriptions go to a suppressed address, and nothing of the kind for other channels', async () => {
    const p = ports(['bounced@example.org']);
    const caller = { userId: 'alice', groups: [], isAdmin: false };
    for (const body of [
      { channel: 'email', address: 'Bounced@example.org' },
      { channel: 'email', address: 'fine@example.org' },
      { channel: 'webhook', url: 'https://hooks.example.org/gcr' },
    ]) {
      await createSubscription(p, caller, parseSubscriptionRequest(body));
    }
    const listed = (await listSubscriptions(p, caller)).subscriptions;
    expect(listed.map((s) => [s.target, s.suppressed])).toEqual([
      ['bounced@example.org', true],
      ['fine@example.org', false],
      ['https://hooks.example.org/gcr', undefined],
    ]);
  });
});
