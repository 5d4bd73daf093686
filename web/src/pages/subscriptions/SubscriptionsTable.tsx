import { useState } from 'react';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import type { Subscription, SubscriptionTestResult } from '#schemas/generated/types.js';
import { notify } from '../../components/notify.js';
import { ScrollableTable } from '../../components/ScrollableTable.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { channelLabel, describeFilters, describeTestResult, kindLabel } from './subscription-format.js';
import { useDeleteSubscription, useRotateSecret, useSendTest } from './use-subscriptions.js';

type TestOutcome = { result: SubscriptionTestResult } | { refused: string };

/** The subscriptions with their targets and filters; send a test, rotate a webhook's secret, delete (confirmed). */
export function SubscriptionsTable({
  subscriptions,
  onSecret,
}: {
  subscriptions: Subscription[];
  onSecret: (secret: string) => void;
}) {
  const sendTest = useSendTest();
  const rotate = useRotateSecret();
  const remove = useDeleteSubscription();
  const [outcomes, setOutcomes] = useState<Record<string, TestOutcome>>({});
  const [testing, setTesting] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<Subscription | undefined>();
  const [rotating, setRotating] = useState<Subscription | undefined>();
  const label = (subscription: Subscription) => subscription.name ?? subscription.target;

  const test = (subscription: Subscription) => {
    setTesting(subscription.id);
    sendTest.mutate(subscription.id, {
      onSuccess: (result) => setOutcomes((current) => ({ ...current, [subscription.id]: { result } })),
      onError: (error) =>
        setOutcomes((current) => ({ ...current, [subscription.id]: { refused: error.message } })),
      onSettled: () => setTesting(undefined),
    });
  };

  const confirmRotate = () => {
    if (!rotating) return;
    rotate.mutate(rotating.id, {
      onSuccess: (rotated) => rotated.signingSecret && onSecret(rotated.signingSecret),
      onError: (error) => notify(error.message, { title: 'The secret was not rotated' }),
      onSettled: () => setRotating(undefined),
    });
  };

  const confirmDelete = () => {
    if (!deleting) return;
    const name = label(deleting);
    remove.mutate(deleting.id, {
      onSuccess: () => notify(`Subscription deleted: ${name}`),
      onError: (error) => notify(error.message, { title: 'The subscription was not deleted' }),
      onSettled: () => setDeleting(undefined),
    });
  };

  return (
    <>
      <ScrollableTable label="Subscriptions" minWidth={900}>
        <Table striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Subscription</Table.Th>
              <Table.Th scope="col">Channel</Table.Th>
              <Table.Th scope="col">Events</Table.Th>
              <Table.Th scope="col">Filters</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {subscriptions.map((subscription) => {
              const name = label(subscription);
              const outcome = outcomes[subscription.id];
              return (
                <Table.Tr key={subscription.id}>
                  <Table.Th scope="row" fw={400}>
                    <Text fw={600}>{name}</Text>
                    {subscription.name !== undefined && <Text size="sm">{subscription.target}</Text>}
                    {subscription.team !== undefined && <Text size="sm">Team {subscription.team}</Text>}
                    <Text size="xs">since {new Date(subscription.createdAt).toLocaleDateString()}</Text>
                  </Table.Th>
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <Text fw={600}>{channelLabel(subscription.channel)}</Text>
                      {subscription.suppressed && (
                        <Badge
                          color="red.9"
                          variant="filled"
                          title="The address bounced or complained: every delivery fails"
                        >
                          Suppressed
                        </Badge>
                      )}
                    </Stack>
                    {subscription.suppressed && (
                      <Text size="xs">The address bounced or complained; deliveries to it fail.</Text>
                    )}
                  </Table.Td>
                  <Table.Td>{subscription.events.map(kindLabel).join(', ')}</Table.Td>
                  <Table.Td>{describeFilters(subscription).join('; ') || 'every simulation'}</Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      <Group gap="xs" wrap="wrap">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => test(subscription)}
                          loading={testing === subscription.id}
                          aria-label={`Send test: ${name}`}
                        >
                          Send test
                        </Button>
                        {subscription.channel === 'webhook' && (
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setRotating(subscription)}
                            aria-label={`Rotate secret: ${name}`}
                          >
                            Rotate secret
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          color="red"
                          onClick={() => setDeleting(subscription)}
                          aria-label={`Delete: ${name}`}
                        >
                          Delete
                        </Button>
                      </Group>
                      <Text size="sm" role="status" aria-label={`Test outcome: ${name}`}>
                        {outcome === undefined
                          ? ''
                          : 'result' in outcome
                            ? describeTestResult(outcome.result)
                            : `Not sent: ${outcome.refused}`}
                      </Text>
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollableTable>
      <ConfirmModal
        opened={deleting !== undefined}
        title="Delete subscription?"
        confirmLabel="Delete subscription"
        cancelLabel="Keep it"
        danger
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(undefined)}
      >
        {deleting ? label(deleting) : ''} stops being told about your simulations.
      </ConfirmModal>
      <ConfirmModal
        opened={rotating !== undefined}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        busy={rotate.isPending}
        onConfirm={confirmRotate}
        onClose={() => setRotating(undefined)}
      >
        A new secret signs the deliveries to {rotating ? label(rotating) : ''}; the old one keeps signing
        beside it for a day, while you update the receiver.
      </ConfirmModal>
    </>
  );
}
