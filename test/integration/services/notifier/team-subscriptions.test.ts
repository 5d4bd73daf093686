import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ulid } from 'ulid';
import { ForbiddenError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { errorResponse } from '#shared/kernel/http/responses.js';
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  parseSubscriptionRequest,
  type SubscriptionPorts,
} from '#services/notifier/src/domain/subscriptions.js';
import { startWebhookReceiver, type WebhookReceiver } from '#local/receivers/webhook-receiver.js';
import {
  deliverThroughQueue,
  shuffled,
  startNotifierHarness,
  statusEvent,
  type NotifierHarness,
} from '#test/helpers/notifier.js';

// A harness of its own: team subscriptions hear every owner, so they would reach other files' tests.
let harness: NotifierHarness;
let receiver: WebhookReceiver;
let api: SubscriptionPorts;

const admin: Caller = { userId: `admin-${ulid()}`, groups: ['admin'], isAdmin: true };
const researcher: Caller = { userId: `alice-${ulid()}`, groups: [], isAdmin: false };

beforeAll(async () => {
  harness = await startNotifierHarness();
  receiver = await startWebhookReceiver();
  api = {
    subscriptions: harness.ports.subscriptions,
    secrets: harness.ports.secrets,
    targets: harness.ports.targets,
    suppressions: harness.ports.suppressions,
    slackWebhookPrefix: 'https://hooks.slack.com/services/',
    now: () => new Date(),
  };
}, 60_000);
afterAll(async () => {
  await receiver.close();
  await harness.stop();
});
afterEach(() => {
  harness.published.length = 0;
});

const teamRequest = (extra: Record<string, unknown> = {}) =>
  parseSubscriptionRequest({
    channel: 'webhook',
    url: receiver.url,
    team: 'ozone',
    tags: { project: 'ozone' },
    ...extra,
  });

/** What the HTTP API answers for an error the domain throws. */
async function answerOf(run: () => Promise<unknown>) {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  const response = errorResponse(err);
  return { err, statusCode: response.statusCode, body: JSON.parse(String(response.body)) };
}

describe('team subscriptions (admin-managed)', () => {
  it('refuse non-admins with a 403 naming why, to make, list or delete them', async () => {
    const made = await answerOf(() => createSubscription(api, researcher, teamRequest()));
    expect(made.err).toBeInstanceOf(ForbiddenError);
    expect(made.statusCode).toBe(403);
    expect(made.body.error.message).toMatch(/only admins may manage team subscriptions/);
    expect(made.body.error.issues).toEqual([{ field: 'team', message: expect.stringMatching(/admins/) }]);

    const listed = await answerOf(() => listSubscriptions(api, researcher, { scope: 'team' }));
    expect(listed.statusCode).toBe(403);
    expect(listed.body.error.issues[0].field).toBe('query.scope');

    const team = await createSubscription(api, admin, teamRequest());
    const deleted = await answerOf(() => deleteSubscription(api, researcher, team.id));
    expect(deleted.statusCode).toBe(403);
    expect(deleted.body.error.issues[0].field).toBe('path.id');
    await deleteSubscription(api, admin, team.id);
  });

  it('let an admin make, list and delete one; a bad one answers 400 naming the field', async () => {
    const noTags = await answerOf(() => createSubscription(api, admin, teamRequest({ tags: undefined })));
    expect(noTags.err).toBeInstanceOf(ValidationError);
    expect(noTags.body.error.issues.map((i: { field: string }) => i.field)).toEqual(['tags']);
    const budgets = await answerOf(() => createSubscription(api, admin, teamRequest({ events: ['budget'] })));
    expect(budgets.body.error.issues.map((i: { field: string }) => i.field)).toEqual(['events']);
    expect(() => teamRequest({ team: 'no spaces' })).toThrow(ValidationError);
    const scope = await answerOf(() => listSubscriptions(api, admin, { scope: 'everyone' }));
    expect(scope.statusCode).toBe(400);
    expect(scope.body.error.issues[0].field).toBe('query.scope');

    const team = await createSubscription(api, admin, teamRequest({ name: 'ozone runs' }));
    expect(team).toMatchObject({ team: 'ozone', owner: admin.userId, events: ['status', 'results'] });
    expect(team.signingSecret).toMatch(/^whsec_/);
    const listed = await listSubscriptions(api, admin, { scope: 'team' });
    expect(listed.subscriptions.map((s) => s.id)).toContain(team.id);
    expect(listed.subscriptions.every((s) => s.signingSecret === undefined)).toBe(true);
    // Not among the admin's own subscriptions.
    expect((await listSubscriptions(api, admin)).subscriptions.map((s) => s.id)).not.toContain(team.id);
    await deleteSubscription(api, admin, team.id);
    expect((await listSubscriptions(api, admin, { scope: 'team' })).subscriptions).toEqual([]);
  });

  it('are delivered every matching simulation whatever its owner, exactly once from duplicated shuffled events', async () => {
    const team = await createSubscription(api, admin, teamRequest());
    receiver.setSecret(team.signingSecret!);
    const owners = [`bob-${ulid()}`, `carol-${ulid()}`, `dave-${ulid()}`];
    const tagsOf: Record<string, Record<string, string>> = {
      sim_TeamB: { project: 'ozone' },
      sim_TeamC: { project: 'ozone', site: 'x' },
      sim_TeamD: { project: 'aerosols' },
    };
    harness.ports.simulationTags = async (id) => tagsOf[id];
    const events = [
      statusEvent('sim_TeamB', owners[0]!, 'RETRYING', 5),
      statusEvent('sim_TeamB', owners[0]!, 'SUCCEEDED', 8),
      statusEvent('sim_TeamC', owners[1]!, 'FAILED', 6),
      statusEvent('sim_TeamD', owners[2]!, 'SUCCEEDED', 7),
    ];
    await deliverThroughQueue(harness.ports, shuffled([...events, ...events, ...events], 7), { parallel: 4 });
    const told = receiver.deliveries.map((d) => [d.body.data['simulationId'], d.body.data['to']]).sort();
    expect(told).toEqual([
      ['sim_TeamB', 'SUCCEEDED'],
      ['sim_TeamC', 'FAILED'],
    ]);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(receiver.duplicates).toBe(0);
    expect(harness.published).toEqual([]);
    await deleteSubscription(api, admin, team.id);
  }, 60_000);
});
