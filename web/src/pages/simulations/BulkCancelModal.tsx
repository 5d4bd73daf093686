import { useState } from 'react';
import { Button, Group, List, Modal, Text } from '@mantine/core';
import type { SimulationSummary } from '#schemas/generated/types.js';
import { useApi } from '../../api/ApiContext.js';
import { describeApiError } from '../../api/client.js';

interface Outcome {
  id: string;
  ok: boolean;
  text: string;
}

/**
 * Confirms the cancellation of the selected runs, listing them, then cancels
 * each (POST /simulations/{id}/cancel) and says what became of each one.
 */
export function BulkCancelModal({
  runs,
  opened,
  onClose,
  onDone,
}: {
  runs: SimulationSummary[];
  opened: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const api = useApi();
  const [outcomes, setOutcomes] = useState<Outcome[] | undefined>();
  const [working, setWorking] = useState(false);

  const cancelAll = async () => {
    setWorking(true);
    const results = await Promise.all(
      runs.map(async (run): Promise<Outcome> => {
        try {
          const { data, error, response } = await api.POST('/simulations/{id}/cancel', {
            params: { path: { id: run.id } },
          });
          return data
            ? { id: run.id, ok: true, text: `${run.name}: cancelling (${data.status.toLowerCase()})` }
            : { id: run.id, ok: false, text: `${run.name}: ${describeApiError(error, response.status)}` };
        } catch (error) {
          return { id: run.id, ok: false, text: `${run.name}: ${(error as Error).message}` };
        }
      }),
    );
    setOutcomes(results);
    setWorking(false);
    onDone();
  };

  const close = () => {
    setOutcomes(undefined);
    onClose();
  };

  // red.9: white on Mantine's default red is 3.3:1, under WCAG AA.
  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Cancel simulations"
      centered
      closeButtonProps={{ 'aria-label': 'Close this dialog' }}
    >
      {outcomes ? (
        <>
          <Text mb="xs">What became of each run:</Text>
          <List aria-label="Cancellation outcomes" mb="md">
            {outcomes.map((outcome) => (
              <List.Item key={outcome.id}>
                {outcome.ok ? 'Done: ' : 'Not cancelled: '}
                {outcome.text}
              </List.Item>
            ))}
          </List>
          <Group justify="flex-end">
            <Button onClick={close}>Close</Button>
          </Group>
        </>
      ) : (
        <>
          <Text mb="xs">
            Cancel {runs.length === 1 ? 'this run' : `these ${runs.length} runs`}? Their jobs are stopped and
            they end CANCELLED.
          </Text>
          <List aria-label="Runs to cancel" mb="md">
            {runs.map((run) => (
              <List.Item key={run.id}>{run.name}</List.Item>
            ))}
          </List>
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={working}>
              Keep them running
            </Button>
            <Button color="red.9" onClick={() => void cancelAll()} loading={working}>
              Cancel {runs.length === 1 ? '1 run' : `${runs.length} runs`}
            </Button>
          </Group>
        </>
      )}
    </Modal>
  );
}
