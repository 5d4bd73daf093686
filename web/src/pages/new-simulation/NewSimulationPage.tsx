import { Title } from '@mantine/core';

export function NewSimulationPage() {
  return <Title order={2}>New simulation</Title>;
}
