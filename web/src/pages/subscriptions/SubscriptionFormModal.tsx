import { useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Stack,
  TextInput,
} from '@mantine/core';
import type { Subscription, SubscriptionRequest } from '#schemas/generated/types.js';
import { LabelledSegmentedControl } from '../../components/LabelledSegmentedControl.js';
import { ApiRequestError } from '../../api/api-request-error.js';
import { formIssues, type FormIssues } from '../../api/field-issues.js';
import {
  CHANNELS,
  kindLabel,
  NOTIFICATION_KINDS,
  parseTags,
  SIMULATION_STATUSES,
  type Channel,
  type NotificationKind,
  type SimulationStatus,
} from './subscription-format.js';
import { useCreateSubscription, type SubscriptionScope } from './use-subscriptions.js';

const FORM_FIELDS = [
  'channel',
  'team',
  'url',
  'address',
  'token',
  'slackChannel',
  'name',
  'events',
  'statuses',
  'tags',
  'costAboveUsd',
] as const;
const NO_ISSUES: FormIssues = { byField: {}, others: [] };
type SlackMode = 'webhook' | 'bot';

/**
 * A new subscription, one form per channel (webhook: url; email: address;
 * Slack: an incoming webhook, or a bot token and a channel); team scope adds
 * the team's name and needs a tag filter. The API checks it all; its 400
 * shows under the field it names.
 */
export function SubscriptionFormModal({
  scope,
  onClose,
  onCreated,
}: {
  scope: SubscriptionScope;
  onClose: () => void;
  onCreated: (subscription: Subscription) => void;
}) {
  const create = useCreateSubscription();
  const [channel, setChannel] = useState<Channel>('webhook');
  const [slackMode, setSlackMode] = useState<SlackMode>('webhook');
  const [fields, setFields] = useState({
    url: '',
    address: '',
    token: '',
    slackChannel: '',
    name: '',
    team: '',
    tags: '',
  });
  const [events, setEvents] = useState<NotificationKind[]>([]);
  const [statuses, setStatuses] = useState<SimulationStatus[]>([]);
  const [costAbove, setCostAbove] = useState<string | number>('');
  const [issues, setIssues] = useState<FormIssues>(NO_ISSUES);
  const set = (name: keyof typeof fields) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setFields((current) => ({ ...current, [name]: value }));
  };
  const present = (value: string) => (value.trim() === '' ? undefined : value.trim());

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const tags = parseTags(fields.tags);
    if (tags.error) {
      setIssues({ byField: { tags: tags.error }, others: [] });
      return;
    }
    const body: Record<string, unknown> = {
      channel,
      team: scope === 'team' ? present(fields.team) : undefined,
      url:
        channel === 'webhook' || (channel === 'slack' && slackMode === 'webhook')
          ? present(fields.url)
          : undefined,
      address: channel === 'email' ? present(fields.address) : undefined,
      token: channel === 'slack' && slackMode === 'bot' ? present(fields.token) : undefined,
      slackChannel: channel === 'slack' && slackMode === 'bot' ? present(fields.slackChannel) : undefined,
      name: present(fields.name),
      events: events.length > 0 ? events : undefined,
      statuses: statuses.length > 0 ? statuses : undefined,
      tags: tags.tags,
      costAboveUsd: costAbove === '' ? undefined : Number(costAbove),
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    setIssues(NO_ISSUES);
    create.mutate(body as unknown as SubscriptionRequest, {
      onSuccess: (created) => onCreated(created),
      onError: (error) =>
        setIssues(
          error instanceof ApiRequestError
            ? formIssues(error.body, FORM_FIELDS)
            : { byField: {}, others: [error.message] },
        ),
    });
  };

  const error = (field: (typeof FORM_FIELDS)[number]) => issues.byField[field];
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened
      onClose={onClose}
      title={scope === 'team' ? 'New team subscription' : 'New subscription'}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {issues.others.length > 0 && (
            <Alert color="red" title="The subscription was not created">
              {issues.others.join('; ')}
            </Alert>
          )}
          <LabelledSegmentedControl<Channel>
            label="Channel"
            data={CHANNELS}
            value={channel}
            onChange={setChannel}
            error={error('channel')}
          />
          {scope === 'team' && (
            <TextInput
              label="Team"
              description="The team's name (letters, digits, . _ -)"
              value={fields.team}
              onChange={set('team')}
              error={error('team')}
            />
          )}
          {channel === 'webhook' && (
            <TextInput
              label="Webhook URL"
              description="An https endpoint on the internet; each delivery is signed (Standard Webhooks)"
              value={fields.url}
              onChange={set('url')}
              error={error('url')}
            />
          )}
          {channel === 'email' && (
            <TextInput
              label="Email address"
              type="email"
              value={fields.address}
              onChange={set('address')}
              error={error('address')}
            />
          )}
          {channel === 'slack' && (
            <>
              <LabelledSegmentedControl<SlackMode>
                label="Slack connection"
                value={slackMode}
                onChange={setSlackMode}
                data={[
                  { value: 'webhook', label: 'Incoming webhook' },
                  { value: 'bot', label: 'Bot token and channel' },
                ]}
              />
              {slackMode === 'webhook' ? (
                <TextInput
                  label="Slack incoming webhook URL"
                  description="https://hooks.slack.com/services/..."
                  value={fields.url}
                  onChange={set('url')}
                  error={error('url')}
                />
              ) : (
                <>
                  <TextInput
                    label="Bot token"
                    description="xoxb-... with chat:write; kept as a secret, never shown"
                    type="password"
                    value={fields.token}
                    onChange={set('token')}
                    error={error('token')}
                  />
                  <TextInput
                    label="Slack channel id"
                    description="C0123ABCD: one message per simulation, updated in place"
                    value={fields.slackChannel}
                    onChange={set('slackChannel')}
                    error={error('slackChannel')}
                  />
                </>
              )}
            </>
          )}
          <TextInput
            label="Name"
            description="A label for you"
            value={fields.name}
            onChange={set('name')}
            error={error('name')}
          />
          <Checkbox.Group
            label="Events"
            description="None chosen: status changes to an end state, results, budget thresholds"
            value={events}
            onChange={(value) => setEvents(value as NotificationKind[])}
            error={error('events')}
          >
            <Group mt={4}>
              {NOTIFICATION_KINDS.map((kind) => (
                <Checkbox key={kind} value={kind} label={kindLabel(kind)} />
              ))}
            </Group>
          </Checkbox.Group>
          <MultiSelect
            label="Statuses"
            description="Status events only to these (default: SUCCEEDED, FAILED, CANCELLED, TIMED_OUT)"
            data={[...SIMULATION_STATUSES]}
            value={statuses}
            onChange={(value) => setStatuses(value as SimulationStatus[])}
            error={error('statuses')}
            clearable
          />
          <TextInput
            label="Tags"
            description={
              scope === 'team'
                ? "Required: key=value pairs, comma separated; every owner's runs with all of them"
                : 'Only runs with all of these key=value pairs, comma separated (empty: every run)'
            }
            value={fields.tags}
            onChange={set('tags')}
            error={error('tags')}
          />
          {events.includes('cost') && (
            <NumberInput
              label="Cost above (USD)"
              description="Cost events only once the amount is above this"
              value={costAbove}
              onChange={setCostAbove}
              prefix="$"
              error={error('costAboveUsd')}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create subscription
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
