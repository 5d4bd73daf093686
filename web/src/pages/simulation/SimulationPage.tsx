import { Title } from '@mantine/core';

export function SimulationPage() {
  return <Title order={2}>Simulation</Title>;
}
