import { useState } from 'react';
import { Alert, Button, Group, Modal, Text } from '@mantine/core';
import { useNavigate } from 'react-router';
import type { Simulation } from '#schemas/generated/types.js';
import { useCancelSimulation } from './queries.js';
import { isTerminal, RETRYABLE_STATUSES, statusLabel } from './status.js';

/**
 * Cancel (after a confirmation) and Retry. Retry opens the wizard filled from
 * this run (/simulations/new?from=<id>) rather than resubmitting blind: a
 * failed or reclaimed run usually wants one change (on-demand, a longer time
 * limit) and the wizard shows the dry run and the estimate before it spends.
 */
export function SimulationActions({ simulation }: { simulation: Simulation }) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useCancelSimulation(simulation.id);
  const navigate = useNavigate();
  const terminal = isTerminal(simulation.status);
  const cancelling = simulation.status === 'CANCELLING';
  const cancelBlocked = terminal
    ? `A ${statusLabel(simulation.status).toLowerCase()} run cannot be cancelled.`
    : cancelling
      ? 'Cancellation was already asked for.'
      : undefined;
  const retryable = RETRYABLE_STATUSES.includes(simulation.status);
  return (
    <Group gap="xs">
      <Button
        color="red"
        variant="outline"
        disabled={cancelBlocked !== undefined}
        aria-describedby={cancelBlocked ? 'cancel-blocked-reason' : undefined}
        onClick={() => setConfirming(true)}
      >
        Cancel run
      </Button>
      {retryable ? (
        <Button variant="outline" onClick={() => void navigate(`/simulations/new?from=${simulation.id}`)}>
          Retry…
        </Button>
      ) : null}
      {cancelBlocked ? (
        <Text size="xs" id="cancel-blocked-reason">
          {cancelBlocked}
        </Text>
      ) : null}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Cancel this run?">
        <Text mb="md">
          “{simulation.name}” stops; its job ends and what it wrote so far stays. Cost accrued until it stops
          is charged.
        </Text>
        {cancel.error ? (
          <Alert color="red" mb="md" role="alert">
            {cancel.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setConfirming(false)}>
            Keep running
          </Button>
          <Button
            color="red"
            loading={cancel.isPending}
            onClick={() => cancel.mutate(undefined, { onSuccess: () => setConfirming(false) })}
          >
            Cancel run
          </Button>
        </Group>
      </Modal>
    </Group>
  );
}
