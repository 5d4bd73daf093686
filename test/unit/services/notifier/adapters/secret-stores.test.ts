/**
 * Subscriptions' secrets (webhook signing secrets, Slack tokens and incoming
 * webhook URLs) are kept encrypted: SSM SecureString on AWS, AES-256-GCM files
 * on the local platform; and the API never answers them.
 */
import { describe, expect, it, beforeEach, afterAll } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createLocalSecretStore } from '#services/notifier/src/adapters/local-secrets.js';
import { createSsmSecretStore } from '#services/notifier/src/adapters/ssm-secrets.js';
import {
  createSubscription,
  listSubscriptions,
  parseSubscriptionRequest,
  type SubscriptionPorts,
} from '#services/notifier/src/domain/subscriptions.js';
import type { StoredSubscription } from '#services/notifier/src/domain/ports.js';
import { memorySecretStore, memorySubscriptionStore } from '#test/helpers/notifier.js';
import { tempDataDir } from '#test/helpers/platform-process.js';

const TOKEN = 'xoxb-1234567890-secret-token-value';
const HOOK = 'https://hooks.slack.com/services/T000/B000/secret-hook-path';

describe('secret stores', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    ssm.reset();
  });
  afterAll(() => {
    ssm.restore();
  });

  it('on AWS: SSM SecureString under the stage prefix, read with decryption', async () => {
    ssm.on(PutParameterCommand).resolves({});
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'v' } });
    const store = createSsmSecretStore(new SSMClient({ region: 'us-east-1' }), '/gcr/prod/notifier/');
    await store.put('subscriptions/sub_1', TOKEN);
    expect(await store.get('subscriptions/sub_1')).toBe('v');
    expect(ssm.commandCalls(PutParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/gcr/prod/notifier/subscriptions/sub_1',
      Value: TOKEN,
      Type: 'SecureString',
      Overwrite: true,
    });
    expect(ssm.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/gcr/prod/notifier/subscriptions/sub_1',
      WithDecryption: true,
    });
  });

  it('locally: encrypted at rest (no plaintext, not even the name), owner-only files', async () => {
    const dir = path.join(tempDataDir('gcr-secrets-'), 'notifier', 'secrets');
    const store = createLocalSecretStore(dir);
    await store.put('subscriptions/sub_1', TOKEN);
    expect(await store.get('subscriptions/sub_1')).toBe(TOKEN);
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(path.join(dir, file));
      expect(bytes.includes(Buffer.from('secret-token'))).toBe(false);
      expect(bytes.includes(Buffer.from('sub_1'))).toBe(false);
      expect(statSync(path.join(dir, file)).mode & 0o077).toBe(0);
    }
    await store.delete('subscriptions/sub_1');
    expect(await store.get('subscriptions/sub_1')).toBeUndefined();
  });
});

describe('the API never answers a Slack credential', () => {
  it('neither the 201 nor the list holds the bot token or the incoming webhook URL', async () => {
    const stored: StoredSubscription[] = [];
    const subscriptions = memorySubscriptionStore(stored);
    const ports: SubscriptionPorts = {
      subscriptions,
      secrets: memorySecretStore(),
      targets: { allowLoopback: false, resolve: async () => ['203.0.113.7'] },
      suppressions: { isSuppressed: async () => false },
      slackWebhookPrefix: 'https://hooks.slack.com/services/',
      now: () => new Date(),
    };
    const caller = { userId: 'alice', groups: [], isAdmin: false };
    const answers = [
      await createSubscription(
        ports,
        caller,
        parseSubscriptionRequest({ channel: 'slack', token: TOKEN, slackChannel: 'C0123ABCD' }),
      ),
      await createSubscription(ports, caller, parseSubscriptionRequest({ channel: 'slack', url: HOOK })),
      await listSubscriptions(ports, caller),
    ];
    const text = JSON.stringify(answers);
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('secret-hook-path');
    // The table holds only where the secret is kept (secretRef), never the secret.
    expect(JSON.stringify(stored)).not.toMatch(/secret-token|secret-hook-path/);
  });
});
