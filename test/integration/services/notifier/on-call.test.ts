/**
 * On-call in Slack: CloudWatch alarm state changes (as the alarm topic hands
 * them to the notifier's on-call queue) posted to a local Slack
 * (local/receivers/slack-receiver.ts) with their state, name, reason and runbook.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError } from '#shared/kernel/errors.js';
import { startSlackReceiver, type SlackReceiver } from '#local/receivers/slack-receiver.js';
import { createSlackClient } from '#services/notifier/src/adapters/slack.js';
import {
  alarmSlackMessage,
  OnCallDeliveryError,
  ON_CALL_SLACK_SECRET,
  parseAlarmMessage,
  postAlarm,
  type OnCallPorts,
} from '#services/notifier/src/domain/on-call.js';
import { memorySecretStore } from '#test/helpers/notifier.js';

const RUNBOOKS = 'https://git.example.org/gcr/blob/main/';

/** What SNS puts on the queue for a CloudWatch alarm's state change (not raw delivery: the envelope). */
function alarmMessage(state: 'ALARM' | 'OK', name = 'gcr-prod-notifier-dlq-depth'): string {
  const alarm = {
    AlarmName: name,
    AlarmDescription:
      'Notifications failed after 5 receives and their event sits in the dead-letter queue. Runbook runbooks/notifier-dlq-depth.md',
    AWSAccountId: '123456789012',
    NewStateValue: state,
    NewStateReason:
      state === 'ALARM'
        ? 'Threshold Crossed: 1 datapoint [3.0 (07/12/26 06:30:00)] was greater than the threshold (0.0).'
        : 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (0.0).',
    StateChangeTime: '2026-12-07T06:31:00.000+0000',
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
  };
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'a1b2c3',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:gcr-prod-alarms',
    Subject: `${state}: "${name}" in US East (N. Virginia)`,
    Message: JSON.stringify(alarm),
  });
}

let slack: SlackReceiver;
beforeAll(async () => {
  slack = await startSlackReceiver({ perSecond: 5 });
});
afterAll(async () => {
  await slack.close();
});

function ports(target?: Record<string, string>): OnCallPorts {
  const secrets = memorySecretStore();
  if (target) void secrets.put(ON_CALL_SLACK_SECRET, JSON.stringify(target));
  return {
    slack: createSlackClient(slack.apiUrl, 5_000),
    throttle: async () => undefined,
    secrets,
    slackWebhookPrefix: slack.webhookPrefix,
    runbookBaseUrl: RUNBOOKS,
  };
}

describe('on-call alarms in Slack', () => {
  it('formats a state change with its name, old and new state, reason, runbook link and the alarm in the console', () => {
    const alarm = parseAlarmMessage(alarmMessage('ALARM'));
    expect(alarm).toMatchObject({
      name: 'gcr-prod-notifier-dlq-depth',
      oldState: 'OK',
      newState: 'ALARM',
      region: 'us-east-1',
      runbook: 'runbooks/notifier-dlq-depth.md',
    });
    const message = alarmSlackMessage(alarm, RUNBOOKS);
    expect(message.text).toBe(
      `ALARM: gcr-prod-notifier-dlq-depth | OK → ALARM | Reason: ${alarm.reason} | Runbook: ${RUNBOOKS}runbooks/notifier-dlq-depth.md`,
    );
    const json = JSON.stringify(message.blocks);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':rotating_light: ALARM: gcr-prod-notifier-dlq-depth', emoji: true },
    });
    expect(json).toContain(`<${RUNBOOKS}runbooks/notifier-dlq-depth.md|runbooks/notifier-dlq-depth.md>`);
    expect(json).toContain('Threshold Crossed');
    expect(json).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/gcr-prod-notifier-dlq-depth',
    );
    // Without a base URL the runbook is named by its path.
    expect(alarmSlackMessage(alarm, '').text).toContain('Runbook: runbooks/notifier-dlq-depth.md');
    // The state change back to OK says so.
    expect(alarmSlackMessage(parseAlarmMessage(alarmMessage('OK')), RUNBOOKS).text).toMatch(
      /^OK: .* \| ALARM → OK/,
    );
    expect(() => parseAlarmMessage('{"Type":"Notification","Message":"{}"}')).toThrow(
      /not a CloudWatch alarm/,
    );
  });

  it('posts to the on-call channel with a bot token, again after a 429 (Retry-After), once', async () => {
    const onCall = ports({ token: slack.token, channel: 'C0NCALL01' });
    slack.failNext(1, 429, 2);
    const refused = await postAlarm(onCall, alarmMessage('ALARM')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OnCallDeliveryError);
    expect((refused as OnCallDeliveryError).retryAfterMs).toBe(2000);
    // The queue receives the message again.
    expect(await postAlarm(onCall, alarmMessage('ALARM'))).toBe(true);
    const posted = [...slack.messages('C0NCALL01').values()];
    expect(posted.map((p) => p.text.split(' | ')[0])).toEqual(['ALARM: gcr-prod-notifier-dlq-depth']);
    expect(JSON.stringify(posted[0]!.blocks)).toContain('runbooks/notifier-dlq-depth.md');
  });

  it('posts through an incoming webhook; posts nothing without a target; refuses a webhook that is not Slack', async () => {
    const url = `${slack.webhookPrefix}T000/B000/oncall`;
    expect(
      await postAlarm(ports({ webhookUrl: url }), alarmMessage('OK', 'gcr-prod-submission-api-5xx')),
    ).toBe(true);
    expect(slack.posts.filter((p) => p.method === 'webhook').map((p) => p.text.split(' | ')[0])).toEqual([
      'OK: gcr-prod-submission-api-5xx',
    ]);
    const before = slack.posts.length;
    expect(await postAlarm(ports(), alarmMessage('ALARM'))).toBe(false);
    await expect(
      postAlarm(ports({ webhookUrl: 'https://hooks.example.org/x' }), alarmMessage('ALARM')),
    ).rejects.toThrow(ConfigError);
    expect(slack.posts).toHaveLength(before);
  });
});
