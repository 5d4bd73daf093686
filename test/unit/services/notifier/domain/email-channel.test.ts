import { describe, expect, it } from '@jest/globals';
import {
  emailMessage,
  signatureMatches,
  unsubscribeUrl,
} from '#services/notifier/src/domain/email-channel.js';
import { addressesToSuppress } from '#services/notifier/src/domain/ses-feedback.js';
import type { Notification } from '#services/notifier/src/domain/notifications.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';

const subscription: StoredSubscription = {
  id: 'sub_01JAAAAAAAAAAAAAAAAAAAAAAA',
  owner: 'alice-sub',
  channel: 'email',
  address: 'alice@example.org',
  events: ['status'],
  statuses: ['FAILED'],
  secretRef: 'subscriptions/sub_01JAAAAAAAAAAAAAAAAAAAAAAA',
  createdAt: '2026-12-07T00:00:00Z',
};
const failed: Notification = {
  kind: 'status',
  type: 'simulation.status_changed',
  owner: 'alice-sub',
  simulationId: 'sim_1',
  scope: 'sim_1',
  order: 7,
  status: 'FAILED',
  at: '2026-12-07T01:00:00Z',
  data: {
    simulationId: 'sim_1',
    name: 'O3 <test> & co',
    from: 'RUNNING',
    to: 'FAILED',
    reason: 'model failure: exit 1',
    attempt: 2,
  },
};

describe('email messages', () => {
  it('have a subject naming the run and its status, text and HTML parts, and RFC 8058 one-click headers', () => {
    const link = unsubscribeUrl('https://api.example.org/prod', 'whsec_x', subscription);
    const message = emailMessage(failed, 'alice@example.org', link);
    expect(message.subject).toBe('[gcr] O3 <test> & co: FAILED');
    expect(message.text).toContain('Reason: model failure: exit 1');
    expect(message.text).toContain('Attempt: 2');
    expect(message.html).toContain('O3 &lt;test&gt; &amp; co');
    expect(message.html).not.toContain('<test>');
    expect(message.headers).toEqual({
      'List-Unsubscribe': `<${link}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(link.startsWith('https://api.example.org/prod/unsubscribe?s=sub_01J')).toBe(true);
  });

  it('sign their unsubscribe link: only the subscription, its owner and its secret make a valid one', () => {
    const url = new URL(unsubscribeUrl('https://api.example.org', 'whsec_x', subscription));
    const t = url.searchParams.get('t')!;
    expect(Buffer.from(url.searchParams.get('o')!, 'base64url').toString()).toBe('alice-sub');
    expect(signatureMatches('whsec_x', subscription.id, 'alice-sub', t)).toBe(true);
    expect(signatureMatches('whsec_y', subscription.id, 'alice-sub', t)).toBe(false);
    expect(signatureMatches('whsec_x', subscription.id, 'mallory', t)).toBe(false);
    expect(signatureMatches('whsec_x', subscription.id, 'alice-sub', `${t.slice(0, -1)}A`)).toBe(false);
  });
});

describe('SES feedback', () => {
  it('suppresses permanent bounces and complaints, not transient bounces or deliveries', () => {
    const bounce = (bounceType: string) =>
      JSON.stringify({
        eventType: 'Bounce',
        bounce: { bounceType, bouncedRecipients: [{ emailAddress: 'a@x.org' }] },
      });
    expect(addressesToSuppress(bounce('Permanent'))).toEqual([
      { address: 'a@x.org', reason: 'permanent bounce' },
    ]);
    expect(addressesToSuppress(bounce('Transient'))).toEqual([]);
    expect(
      addressesToSuppress(
        JSON.stringify({
          notificationType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'b@x.org' }] },
        }),
      ),
    ).toEqual([{ address: 'b@x.org', reason: 'complaint' }]);
    expect(addressesToSuppress(JSON.stringify({ eventType: 'Delivery' }))).toEqual([]);
    expect(addressesToSuppress('not json')).toEqual([]);
  });
});
