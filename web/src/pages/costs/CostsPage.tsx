import { Title } from '@mantine/core';

export function CostsPage() {
  return <Title order={2}>Costs and budgets</Title>;
}
