import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import type { Budget, BudgetRequest } from '#schemas/generated/types.js';
import { notify } from '../../components/notify.js';
import { LabelledSegmentedControl } from '../../components/LabelledSegmentedControl.js';
import { ApiRequestError } from '../../api/api-request-error.js';
import { formIssues, type FormIssues } from '../../api/field-issues.js';
import { budgetSubject, parseThresholds } from './cost-format.js';
import { usePutBudget } from './use-costs.js';

type Covers = 'mine' | 'owner' | 'tag';
const FORM_FIELDS = ['limitUsd', 'thresholds', 'alertOnly', 'tag', 'owner'] as const;
const NO_ISSUES: FormIssues = { byField: {}, others: [] };

/**
 * Create a budget, or edit one (`budget`): what it covers is then fixed (it is
 * the budget's key). The API checks the values; its 400 shows by field.
 */
export function BudgetFormModal({
  opened,
  onClose,
  budget,
  isAdmin,
  me,
}: {
  opened: boolean;
  onClose: () => void;
  budget?: Budget;
  isAdmin: boolean;
  me: string | undefined;
}) {
  const putBudget = usePutBudget();
  const [covers, setCovers] = useState<Covers>(
    budget?.tag ? 'tag' : budget?.owner && budget.owner !== me ? 'owner' : 'mine',
  );
  const [tag, setTag] = useState(budget?.tag ?? '');
  const [owner, setOwner] = useState(budget?.owner && budget.owner !== me ? budget.owner : '');
  const [limit, setLimit] = useState<string | number>(budget?.limitUsd ?? '');
  const [thresholds, setThresholds] = useState((budget?.thresholds ?? [50, 80, 100]).join(', '));
  const [alertOnly, setAlertOnly] = useState(budget?.alertOnly ?? false);
  const [issues, setIssues] = useState<FormIssues>(NO_ISSUES);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const parsedThresholds = parseThresholds(thresholds);
    if (thresholds.trim() !== '' && parsedThresholds === undefined) {
      setIssues({
        byField: { thresholds: 'must be percentages separated by commas, e.g. 50, 80, 100' },
        others: [],
      });
      return;
    }
    const body = {
      ...(limit !== '' ? { limitUsd: Number(limit) } : {}),
      ...(parsedThresholds ? { thresholds: parsedThresholds } : {}),
      alertOnly,
      ...(covers === 'tag' ? { tag: tag.trim() } : {}),
      ...(covers === 'owner' ? { owner: owner.trim() } : {}),
    } as BudgetRequest;
    setIssues(NO_ISSUES);
    putBudget.mutate(body, {
      onSuccess: (saved) => {
        notify(`Budget saved: ${budgetSubject(saved, me)}`);
        onClose();
      },
      onError: (error) =>
        setIssues(
          error instanceof ApiRequestError
            ? formIssues(error.body, FORM_FIELDS)
            : { byField: {}, others: [error.message] },
        ),
    });
  };

  const fixed = budget !== undefined;
  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title={fixed ? 'Edit budget' : 'New budget'}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {issues.others.length > 0 && (
            <Alert color="red" title="The budget was not saved">
              {issues.others.join('; ')}
            </Alert>
          )}
          {fixed ? (
            <Text size="sm">Covers: {budgetSubject(budget, me)}</Text>
          ) : (
            isAdmin && (
              <LabelledSegmentedControl<Covers>
                label="Covers"
                value={covers}
                onChange={setCovers}
                data={[
                  { value: 'mine', label: 'My simulations' },
                  { value: 'owner', label: 'An owner' },
                  { value: 'tag', label: 'A tag' },
                ]}
              />
            )
          )}
          {!fixed && covers === 'tag' && (
            <TextInput
              label="Tag"
              description="key=value: every simulation with this tag, whoever submitted it"
              value={tag}
              onChange={(event) => setTag(event.currentTarget.value)}
              error={issues.byField['tag']}
            />
          )}
          {!fixed && covers === 'owner' && (
            <TextInput
              label="Owner"
              description="The owner id (the sub) whose simulations it covers"
              value={owner}
              onChange={(event) => setOwner(event.currentTarget.value)}
              error={issues.byField['owner']}
            />
          )}
          <NumberInput
            label="Monthly limit (USD)"
            description="Simulation costs per calendar month (UTC), counted in the month each run was submitted"
            value={limit}
            onChange={setLimit}
            decimalScale={2}
            prefix="$"
            error={issues.byField['limitUsd']}
          />
          <TextInput
            label="Thresholds (% of the limit)"
            description="Each one is announced once a month when spend crosses it"
            value={thresholds}
            onChange={(event) => setThresholds(event.currentTarget.value)}
            error={issues.byField['thresholds']}
          />
          <Checkbox
            label="Alert only"
            description="Unchecked: at 100 % new simulations this budget covers are refused"
            checked={alertOnly}
            onChange={(event) => setAlertOnly(event.currentTarget.checked)}
            error={issues.byField['alertOnly']}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={putBudget.isPending}>
              Save budget
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
