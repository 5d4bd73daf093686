import type { EventPublisher } from '../../../../shared/events/publisher.js';
import type { SimulationRepository } from '../../../../shared/repository/simulations.js';

/** What the submission domain needs from the outside world, injected by the handlers (or tests). */
export interface SubmissionPorts {
  repository: SimulationRepository;
  publisher: EventPublisher;
  now: () => Date;
  /** Told when an event could not be published; the simulation is safe in the table regardless. */
  onPublishFailure?: (err: unknown, simulationId: string) => void;
}
