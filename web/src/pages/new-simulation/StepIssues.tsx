import { Alert, Code, List } from '@mantine/core';
import type { FieldIssue } from '#schemas/generated/types.js';

/** What stops the wizard at this step, each issue naming its spec field (the words the API uses). */
export function StepIssues({
  issues,
  title = 'To fix before going on',
}: {
  issues: readonly FieldIssue[];
  title?: string;
}) {
  if (issues.length === 0) return null;
  return (
    <Alert color="red" title={title} role="alert">
      <List size="sm" spacing={4}>
        {issues.map((issue) => (
          <List.Item key={`${issue.field}:${issue.message}`}>
            <Code>{issue.field}</Code> {issue.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** The message of the first issue on exactly this field, for an input's `error`. */
export function issueAt(issues: readonly FieldIssue[], field: string): string | undefined {
  return issues.find((issue) => issue.field === field)?.message;
}
