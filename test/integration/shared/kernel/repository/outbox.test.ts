/**
 * The outbox's publishing side against dynalite: an abandoned entry is
 * published by one reader however many meet it, and a copy published again
 * after a crash is recognisably the same event.
 */
import { describe, expect, it } from '@jest/globals';
import {
  ABANDONED_EVENT_AGE_MS,
  OUTBOX_CLAIM_LEASE_MS,
  publishAndClear,
  publishPendingEvents,
} from '#shared/kernel/repository/outbox.js';
import { simulationStatusChanged, Source, statusEventId } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { useSimulationRepository } from '#test/helpers/simulations-table.js';
import { aSimulation } from '#test/helpers/simulations.js';

const table = useSimulationRepository();

/** A simulation moved PENDING -> CANCELLING whose writer died before publishing: its entry is left on the item. */
async function withAbandonedEntry(at: Date) {
  const simulation = aSimulation({
    id: `sim_${Math.random().toString(36).slice(2).padEnd(26, '0').slice(0, 26)}`,
  });
  await table().create(simulation);
  const event = simulationStatusChanged(Source.submission, {
    simulationId: simulation.id,
    owner: simulation.owner,
    from: 'PENDING',
    to: 'CANCELLING',
    reason: 'cancel requested by alice',
    version: 2,
    at: at.toISOString(),
  });
  await table().transition({
    id: simulation.id,
    expectedVersion: 1,
    from: 'PENDING',
    to: 'CANCELLING',
    reason: 'cancel requested by alice',
    at,
    event,
  });
  return { id: simulation.id, event };
}

function readers(clock: { now: number }) {
  const published: OutgoingEvent[] = [];
  const ports = {
    repository: table(),
    publisher: {
      publish: async (events: OutgoingEvent[]) => {
        // A publish takes a moment: the other readers meet the entry meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 20));
        published.push(...events);
      },
    },
    now: () => clock.now,
  };
  return { ports, published };
}

describe('outbox', () => {
  it('Duplicated Status Changed events: five readers that meet one abandoned entry at once publish it once', async () => {
    const at = new Date();
    const { id } = await withAbandonedEntry(at);
    const clock = { now: at.getTime() + ABANDONED_EVENT_AGE_MS + 1 };
    const { ports, published } = readers(clock);
    // The poller's poll, a redelivered message, the finder's sweep...: each read the simulation with its entry.
    const reads = await Promise.all([1, 2, 3, 4, 5].map(() => table().get(id)));
    await Promise.all(reads.map((simulation) => publishPendingEvents(ports, simulation!)));
    expect(published).toHaveLength(1);
    expect(JSON.stringify(await table().get(id))).not.toMatch(/outbox/);
  });

  it('Duplicated Status Changed events: a reader that died holding the claim leaves the entry to the next reader once its lease ran out, with the same eventId', async () => {
    const at = new Date();
    const { id, event } = await withAbandonedEntry(at);
    const clock = { now: at.getTime() + ABANDONED_EVENT_AGE_MS + 1 };
    const { ports, published } = readers(clock);
    // The first reader claims and publishes, then dies before removing the entry.
    const dying = {
      ...ports,
      repository: {
        ...table(),
        clearPendingEvent: async () => {
          throw new Error('process died');
        },
      },
    };
    await expect(publishPendingEvents(dying, (await table().get(id))!)).rejects.toThrow('process died');
    expect(published).toHaveLength(1);
    // While its lease runs, nobody publishes it again.
    await publishPendingEvents(ports, (await table().get(id))!);
    expect(published).toHaveLength(1);
    // Then one reader does: the one redelivery at-least-once allows, recognisably the same event.
    clock.now += OUTBOX_CLAIM_LEASE_MS;
    await Promise.all([1, 2, 3].map(async () => publishPendingEvents(ports, (await table().get(id))!)));
    expect(published).toHaveLength(2);
    const ids = published.map((e) => (e.detail as { eventId?: string }).eventId);
    expect(ids).toEqual([statusEventId(id, 2), statusEventId(id, 2)]);
    expect(published[1]).toEqual(event);
    expect(JSON.stringify(await table().get(id))).not.toMatch(/outbox/);
  });

  it('Duplicated Status Changed events: the writer publishes its own fresh entry without a claim, and a reader leaves it alone', async () => {
    const at = new Date();
    const { id, event } = await withAbandonedEntry(at);
    const { ports, published } = readers({ now: at.getTime() + 1000 });
    await publishPendingEvents(ports, (await table().get(id))!);
    expect(published).toHaveLength(0);
    await publishAndClear(ports, id, 2, event);
    expect(published).toEqual([event]);
    expect(JSON.stringify(await table().get(id))).not.toMatch(/outbox/);
  });
});
