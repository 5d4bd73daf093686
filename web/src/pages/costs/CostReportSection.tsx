import { Alert, Loader, Stack, Text, Title } from '@mantine/core';
import { LabelledSegmentedControl } from '../../components/LabelledSegmentedControl.js';
import { CostBarChart } from './CostBarChart.js';
import { CostGroupsTable } from './CostGroupsTable.js';
import { formatUsd, GROUPINGS, monthLabel, monthOf, type CostQuery } from './cost-format.js';
import { useCostReport } from './use-costs.js';

/** The month's costs: total, grouped (chart and table), and what the numbers are. */
export function CostReportSection({
  query,
  onGroupByChange,
}: {
  query: CostQuery;
  onGroupByChange: (groupBy: CostQuery['groupBy']) => void;
}) {
  const report = useCostReport(query);
  const isThisMonth = query.month === monthOf(new Date());
  return (
    <Stack component="section" aria-labelledby="cost-report-title" gap="sm">
      <Title order={3} id="cost-report-title">
        {isThisMonth ? 'Month to date' : monthLabel(query.month)}
        {query.owner ? ` · owner ${query.owner}` : ''}
      </Title>
      <LabelledSegmentedControl
        label="Group by"
        data={GROUPINGS}
        value={query.groupBy}
        onChange={onGroupByChange}
      />
      {report.isPending && <Loader size="sm" aria-label="Loading the costs" />}
      {report.isError && (
        <Alert color="red" title="The costs could not be loaded">
          {report.error.message}
        </Alert>
      )}
      {report.data && (
        <>
          <Text size="lg" data-testid="cost-total">
            Total: <strong>{formatUsd(report.data.totalUsd)}</strong> over {report.data.simulations}{' '}
            {report.data.simulations === 1 ? 'simulation' : 'simulations'} submitted in{' '}
            {monthLabel(report.data.month)}
          </Text>
          <Text size="sm">
            Tracked costs: the cost tracker prices each attempt from the instance it ran on and for how long
            (final once a run ended, accrued while it runs), compute and disk; output storage, billed by the
            month, is not included.{' '}
            {report.data.reconciled.simulations > 0
              ? `Reconciled with the AWS bill so far: ${report.data.reconciled.simulations} of ${report.data.simulations} simulations, tracked compute ${formatUsd(report.data.reconciled.trackedUsd)}, billed ${formatUsd(report.data.reconciled.billedUsd)}.`
              : 'None of them is reconciled with the AWS bill yet (the daily reconciliation matches them once the Cost and Usage Report has them).'}
          </Text>
          {report.data.groups.length === 0 ? (
            <Text>No simulation costs in this month.</Text>
          ) : (
            <>
              <CostBarChart report={report.data} />
              <CostGroupsTable report={report.data} />
            </>
          )}
        </>
      )}
    </Stack>
  );
}
