import { Title } from '@mantine/core';

export function SimulationsPage() {
  return <Title order={2}>Simulations</Title>;
}
