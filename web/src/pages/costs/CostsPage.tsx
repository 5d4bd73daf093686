import { Group, Select, Stack, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useSession } from '../../auth/SessionContext.js';
import { BudgetsSection } from './BudgetsSection.js';
import { CostReportSection } from './CostReportSection.js';
import {
  costQueryFromSearch,
  monthLabel,
  recentMonths,
  searchFromCostQuery,
  type CostQuery,
} from './cost-format.js';
import { useCostReport } from './use-costs.js';

const EVERY_OWNER = '*';

/** /costs: the month's costs grouped (in the URL: month, grouping, owner) and the budgets with their spend. */
export function CostsPage() {
  const { user } = useSession();
  const [search, setSearch] = useSearchParams();
  const now = new Date();
  const query = costQueryFromSearch(search, now);
  const update = (change: Partial<CostQuery>) =>
    setSearch(searchFromCostQuery({ ...query, ...change }), { replace: true });
  const months = recentMonths(now);
  if (!months.includes(query.month)) months.push(query.month);
  return (
    <Stack gap="lg">
      <Title order={2}>Costs and budgets</Title>
      <Group align="end" wrap="wrap">
        <Select
          label="Month"
          data={months.map((month) => ({ value: month, label: monthLabel(month) }))}
          value={query.month}
          onChange={(month) => month && update({ month })}
          allowDeselect={false}
          w={200}
        />
        {user?.isAdmin && (
          <OwnerFilter month={query.month} owner={query.owner} onChange={(owner) => update({ owner })} />
        )}
      </Group>
      <CostReportSection query={query} onGroupByChange={(groupBy) => update({ groupBy })} />
      <BudgetsSection month={query.month} />
    </Stack>
  );
}

/** Admins: every owner's costs, or one owner's (the owners with costs in the month). */
function OwnerFilter({
  month,
  owner,
  onChange,
}: {
  month: string;
  owner: string | undefined;
  onChange: (owner: string | undefined) => void;
}) {
  const owners = useCostReport({ month, groupBy: 'owner', owner: undefined });
  const choices = (owners.data?.groups ?? []).map((group) => group.key);
  if (owner && !choices.includes(owner)) choices.push(owner);
  return (
    <Select
      label="Owner"
      data={[
        { value: EVERY_OWNER, label: 'Every owner' },
        ...choices.map((key) => ({ value: key, label: key })),
      ]}
      value={owner ?? EVERY_OWNER}
      onChange={(value) => onChange(value && value !== EVERY_OWNER ? value : undefined)}
      allowDeselect={false}
      searchable
      w={260}
    />
  );
}
