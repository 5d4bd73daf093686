import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Budget } from '#schemas/generated/types.js';
import { notify } from '../../components/notify.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { useSession } from '../../auth/SessionContext.js';
import { BudgetFormModal } from './BudgetFormModal.js';
import { BudgetProgressBar } from './BudgetProgressBar.js';
import { budgetSubject, monthLabel } from './cost-format.js';
import { useBudgets, useDeleteBudget } from './use-costs.js';

/** The budgets that cover the caller's runs (admins: every budget), with the month's spend; create, edit, delete. */
export function BudgetsSection({ month }: { month: string }) {
  const { user } = useSession();
  const budgets = useBudgets(month);
  const deleteBudget = useDeleteBudget();
  const [editing, setEditing] = useState<Budget | 'new' | undefined>();
  const [deleting, setDeleting] = useState<Budget | undefined>();
  const me = user?.sub;

  const confirmDelete = () => {
    if (!deleting) return;
    const subject = budgetSubject(deleting, me);
    deleteBudget.mutate(
      deleting.tag
        ? { tag: deleting.tag }
        : deleting.owner && deleting.owner !== me
          ? { owner: deleting.owner }
          : {},
      {
        onSuccess: () => notify(`Budget deleted: ${subject}`),
        onError: (error) => notify(error.message, { title: 'The budget was not deleted' }),
        onSettled: () => setDeleting(undefined),
      },
    );
  };

  return (
    <Stack component="section" aria-labelledby="budgets-title" gap="sm">
      <Group justify="space-between">
        <Title order={3} id="budgets-title">
          Budgets · {monthLabel(month)}
        </Title>
        <Button onClick={() => setEditing('new')}>New budget</Button>
      </Group>
      {budgets.isPending && <Loader size="sm" aria-label="Loading the budgets" />}
      {budgets.isError && (
        <Alert color="red" title="The budgets could not be loaded">
          {budgets.error.message}
        </Alert>
      )}
      {budgets.data?.items.length === 0 && <Text>No budget covers your simulations yet.</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {budgets.data?.items.map((budget) => {
          const subject = budgetSubject(budget, me);
          return (
            <Card key={budget.budget} withBorder component="article" aria-label={`Budget: ${subject}`}>
              <Group justify="space-between" wrap="wrap">
                <Text fw={600}>{subject}</Text>
                <Badge
                  variant={budget.alertOnly ? 'default' : 'filled'}
                  color={budget.alertOnly ? undefined : 'grape.9'}
                >
                  {budget.alertOnly ? 'Alert only' : 'Refuses new runs at 100 %'}
                </Badge>
              </Group>
              <BudgetProgressBar budget={budget} subject={subject} />
              <Group gap="xs" mt="sm">
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => setEditing(budget)}
                  aria-label={`Edit budget: ${subject}`}
                >
                  Edit
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  color="red"
                  onClick={() => setDeleting(budget)}
                  aria-label={`Delete budget: ${subject}`}
                >
                  Delete
                </Button>
              </Group>
            </Card>
          );
        })}
      </SimpleGrid>
      {editing !== undefined && (
        <BudgetFormModal
          opened
          onClose={() => setEditing(undefined)}
          budget={editing === 'new' ? undefined : editing}
          isAdmin={user?.isAdmin ?? false}
          me={me}
        />
      )}
      <ConfirmModal
        opened={deleting !== undefined}
        title="Delete budget?"
        confirmLabel="Delete budget"
        cancelLabel="Keep it"
        danger
        busy={deleteBudget.isPending}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(undefined)}
      >
        {deleting ? budgetSubject(deleting, me) : ''}: its thresholds stop being announced and it no longer
        refuses new runs.
      </ConfirmModal>
    </Stack>
  );
}
