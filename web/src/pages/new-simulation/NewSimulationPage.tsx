import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  FileButton,
  Group,
  Loader,
  Stack,
  Stepper,
  Text,
  Title,
  useComputedColorScheme,
} from '@mantine/core';
import {
  issuesForStep,
  withField,
  WIZARD_STEPS,
  type ChoiceField,
  type SpecDraft,
  type WizardStep,
} from '#shared/science/spec/choices-for-step.js';
import type { FieldIssue } from '#schemas/generated/types.js';
import { describeApiError } from '../../api/client.js';
import { useApi } from '../../api/ApiContext.js';
import { ComputeStep } from './ComputeStep.js';
import { GridStep } from './GridStep.js';
import { LevelsStep } from './LevelsStep.js';
import { MeteorologyStep } from './MeteorologyStep.js';
import { PeriodStep } from './PeriodStep.js';
import { ReviewStep } from './ReviewStep.js';
import { SimulationStep } from './SimulationStep.js';
import { StepIssues } from './StepIssues.js';
import { parseSpecFile, specFileName, specFileText } from './spec-file.js';
import type { StepProps } from './step-props.js';
import { choose, firstStepWithIssues, INITIAL_DRAFT, issuesByStep, settleStep } from './wizard-draft.js';

const STEP_LABELS: Record<WizardStep, { label: string; description: string }> = {
  simulation: { label: 'Simulation', description: 'Type and option' },
  meteorology: { label: 'Met field', description: 'Meteorology' },
  grid: { label: 'Grid', description: 'Resolution, domain' },
  levels: { label: 'Levels', description: 'Vertical' },
  period: { label: 'Period', description: 'And diagnostics' },
  compute: { label: 'Compute', description: 'Where it runs' },
  review: { label: 'Review', description: 'Dry run, submit' },
};

const STEP_COMPONENTS: Record<Exclude<WizardStep, 'review'>, (props: StepProps) => React.JSX.Element> = {
  simulation: SimulationStep,
  meteorology: MeteorologyStep,
  grid: GridStep,
  levels: LevelsStep,
  period: PeriodStep,
  compute: ComputeStep,
};

const REVIEW = WIZARD_STEPS.indexOf('review');

/**
 * Mantine's dimmed grey (descriptions, step captions, the reasons of disabled
 * options) is below WCAG AA contrast on white (axe: color-contrast); the
 * wizard's reasons are its point, so they get a darker grey here.
 */
function readableDimmed(scheme: 'light' | 'dark'): React.CSSProperties {
  return {
    '--mantine-color-dimmed':
      scheme === 'dark' ? 'var(--mantine-color-dark-1)' : 'var(--mantine-color-gray-7)',
  } as React.CSSProperties;
}

function download(draft: SpecDraft): void {
  const url = URL.createObjectURL(new Blob([specFileText(draft)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = specFileName(draft);
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * /simulations/new: the spec step by step, each option allowed or refused by
 * the API's own rules, then the dry run and the submission. `?from=<id>`
 * starts from an existing run's spec.
 */
export function NewSimulationPage({ now: pinnedNow }: { now?: Date } = {}) {
  const api = useApi();
  const colorScheme = useComputedColorScheme('light');
  const [searchParams] = useSearchParams();
  const fromId = searchParams.get('from');
  const now = useMemo(() => pinnedNow ?? new Date(), [pinnedNow]);
  const [draft, setDraft] = useState<SpecDraft>(() => settleStep(INITIAL_DRAFT, 'simulation', now));
  const [active, setActive] = useState(0);
  const [reached, setReached] = useState(0);
  /** Issues the API (or an imported file) named, shown on their steps until the field changes. */
  const [refused, setRefused] = useState<FieldIssue[]>([]);
  const [importIssues, setImportIssues] = useState<FieldIssue[]>([]);

  const step = WIZARD_STEPS[active]!;
  const load = useCallback((spec: SpecDraft, at: number) => {
    setDraft(spec);
    setRefused([]);
    setImportIssues([]);
    setReached(REVIEW);
    setActive(at);
  }, []);

  const from = useQuery({
    queryKey: ['simulation', fromId],
    enabled: fromId !== null,
    queryFn: async () => {
      const { data, error, response } = await api.GET('/simulations/{id}', {
        params: { path: { id: fromId! } },
      });
      if (!data) throw new Error(describeApiError(error, response.status));
      return data;
    },
  });
  useEffect(() => {
    if (from.data) load(from.data.spec as unknown as SpecDraft, 0);
  }, [from.data, load]);

  const stepIssues = useMemo(
    () => (step === 'review' ? [] : issuesForStep(draft, step, { now })),
    [draft, step, now],
  );
  const refusedByStep = useMemo(() => issuesByStep(refused), [refused]);
  const shownIssues = [
    ...(refusedByStep.get(step) ?? []),
    ...stepIssues.filter((issue) => !refused.some((r) => r.field === issue.field)),
  ];

  const goTo = (index: number) => {
    let settled = draft;
    for (const s of WIZARD_STEPS.slice(0, index + 1)) settled = settleStep(settled, s, now);
    setDraft(settled);
    setActive(index);
    setReached((previous) => Math.max(previous, index));
  };
  const clearRefused = (field: string) =>
    setRefused((issues) => issues.filter((issue) => !issue.field.startsWith(field)));
  const onChoose = (field: ChoiceField, value: string | number) => {
    setDraft((current) => choose(current, field, value, now));
    clearRefused(field);
  };
  const onSet = (field: string, value: unknown) => {
    setDraft((current) => withField(current, field, value));
    clearRefused(field);
  };
  const onRefused = (issues: FieldIssue[]) => {
    setRefused(issues);
    const first = firstStepWithIssues(issues);
    if (first && first !== 'review') setActive(WIZARD_STEPS.indexOf(first));
  };
  const onImport = async (file: File | null) => {
    if (!file) return;
    const imported = parseSpecFile(await file.text(), now);
    if (imported.ok) load(imported.draft, REVIEW);
    else setImportIssues(imported.issues);
  };

  const StepBody = step === 'review' ? undefined : STEP_COMPONENTS[step];
  return (
    <Stack gap="md" maw={1100} style={readableDimmed(colorScheme)}>
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>New simulation</Title>
        <Group gap="xs">
          <FileButton onChange={(file) => void onImport(file)} accept="application/json,.json">
            {(props) => (
              <Button variant="default" {...props}>
                Import spec
              </Button>
            )}
          </FileButton>
          <Button variant="default" onClick={() => download(draft)}>
            Export spec
          </Button>
        </Group>
      </Group>
      {fromId !== null && from.isPending && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text size="sm">Loading the spec of {fromId}…</Text>
        </Group>
      )}
      {from.isError && (
        <Alert color="red" title={`Could not start from ${fromId}`} role="alert">
          {from.error.message}
        </Alert>
      )}
      <StepIssues issues={importIssues} title="The imported file is not a valid spec" />
      <Stepper active={active} onStepClick={goTo} size="sm" wrap aria-label="New simulation steps">
        {WIZARD_STEPS.map((s, index) => (
          <Stepper.Step
            key={s}
            label={STEP_LABELS[s].label}
            description={refusedByStep.has(s) ? 'Needs a change' : STEP_LABELS[s].description}
            color={refusedByStep.has(s) ? 'red' : undefined}
            allowStepSelect={index <= reached}
          />
        ))}
      </Stepper>
      <section aria-labelledby="wizard-step-title">
        <Title order={3} size="h4" id="wizard-step-title" mb="sm">
          {`Step ${active + 1} of ${WIZARD_STEPS.length}: ${STEP_LABELS[step].label}`}
        </Title>
        <Stack gap="md">
          {StepBody ? (
            <StepBody draft={draft} onChoose={onChoose} onSet={onSet} issues={shownIssues} now={now} />
          ) : (
            <ReviewStep draft={draft} onRefused={onRefused} />
          )}
          <StepIssues issues={shownIssues} />
        </Stack>
      </section>
      <Group justify="space-between">
        <Button variant="default" disabled={active === 0} onClick={() => setActive(active - 1)}>
          Back
        </Button>
        {/* The theme's dark primary (blue 4) under white text fails WCAG AA; blue 8 passes in both schemes. */}
        {step !== 'review' && (
          <Button color="blue.8" onClick={() => goTo(active + 1)} disabled={stepIssues.length > 0}>
            Next
          </Button>
        )}
      </Group>
    </Stack>
  );
}
