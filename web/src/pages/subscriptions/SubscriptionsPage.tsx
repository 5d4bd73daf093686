import { useState } from 'react';
import { Alert, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { notify } from '../../components/notify.js';
import { useSession } from '../../auth/SessionContext.js';
import { SecretOnceModal } from './SecretOnceModal.js';
import { SubscriptionFormModal } from './SubscriptionFormModal.js';
import { SubscriptionsTable } from './SubscriptionsTable.js';
import { useSubscriptions, type SubscriptionScope } from './use-subscriptions.js';

/** /subscriptions: who is told about the caller's simulations; admins also the team subscriptions (`?scope=team`). */
export function SubscriptionsPage() {
  const { user } = useSession();
  const [search, setSearch] = useSearchParams();
  const isAdmin = user?.isAdmin ?? false;
  const scope: SubscriptionScope = isAdmin && search.get('scope') === 'team' ? 'team' : 'owner';
  return (
    <Stack gap="lg">
      <Title order={2}>Subscriptions</Title>
      {isAdmin ? (
        <Tabs
          value={scope}
          onChange={(value) => setSearch(value === 'team' ? { scope: 'team' } : {}, { replace: true })}
        >
          <Tabs.List>
            <Tabs.Tab value="owner">Mine</Tabs.Tab>
            <Tabs.Tab value="team">Team</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="owner" pt="md">
            <SubscriptionsPanel scope="owner" />
          </Tabs.Panel>
          <Tabs.Panel value="team" pt="md">
            <SubscriptionsPanel scope="team" />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <SubscriptionsPanel scope="owner" />
      )}
    </Stack>
  );
}

function SubscriptionsPanel({ scope }: { scope: SubscriptionScope }) {
  const subscriptions = useSubscriptions(scope);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | undefined>();
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text>
          {scope === 'team'
            ? "Team subscriptions hear about every owner's simulations their tags match."
            : 'Who is told about your simulations, budgets and costs.'}
        </Text>
        <Button onClick={() => setCreating(true)}>
          {scope === 'team' ? 'New team subscription' : 'New subscription'}
        </Button>
      </Group>
      {subscriptions.isPending && <Loader size="sm" aria-label="Loading the subscriptions" />}
      {subscriptions.isError && (
        <Alert color="red" title="The subscriptions could not be loaded">
          {subscriptions.error.message}
        </Alert>
      )}
      {subscriptions.data?.subscriptions.length === 0 && <Text>No subscriptions yet.</Text>}
      {subscriptions.data && subscriptions.data.subscriptions.length > 0 && (
        <SubscriptionsTable subscriptions={subscriptions.data.subscriptions} onSecret={setSecret} />
      )}
      {creating && (
        <SubscriptionFormModal
          scope={scope}
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            notify(`Subscribed: ${created.name ?? created.target}`);
            if (created.signingSecret) setSecret(created.signingSecret);
          }}
        />
      )}
      <SecretOnceModal secret={secret} onClose={() => setSecret(undefined)} />
    </Stack>
  );
}
