import { Title } from '@mantine/core';

export function SubscriptionsPage() {
  return <Title order={2}>Subscriptions</Title>;
}
