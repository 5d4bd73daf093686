import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { EnsembleCreationBatch, EnsembleCreationMembers } from '#schemas/generated/types.js';
import type { BudgetStore } from '#shared/kernel/repository/budgets.js';
import type { SiteStore } from '#shared/kernel/repository/sites.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';

/** What the submission domain needs from the outside world, injected by the handlers (or tests). */
export interface SubmissionPorts {
  repository: SimulationRepository;
  publisher: EventPublisher;
  now: () => Date;
  /** Told when an event could not be published; the simulation is safe in the table regardless. */
  onPublishFailure?: (err: unknown, simulationId: string) => void;
}

/** One object to write to the results bucket (the bucket is the adapter's business). */
export interface PutObjectInput {
  /** Key in the results bucket, e.g. `simulations/<id>/rundir/HISTORY.rc`. */
  key: string;
  body: string;
  contentType: string;
}

/** The results bucket, as far as submission writes to it (run directories only). */
export interface ObjectStore {
  putObject(input: PutObjectInput): Promise<void>;
}

/** createSimulation also stores the run directory before the simulation exists. */
export interface CreateSimulationPorts extends SubmissionPorts {
  objects: ObjectStore;
  /** Budgets and their spend (kept by the cost tracker): a spent budget refuses new runs. */
  budgets?: Pick<BudgetStore, 'definitions' | 'spend'>;
  /** Slurm sites: a spec on backend "slurm" must name one and fit its limits. */
  sites?: Pick<SiteStore, 'get'>;
}

/** One stored object of a run directory, its key relative to the run directory. */
export interface StoredRunDirectoryEntry {
  path: string;
  size: number;
  lastModified?: Date;
}

/** The first bytes of a stored object, and how big the whole is. */
export interface StoredObjectHead {
  body: Uint8Array;
  size: number;
  contentType?: string;
}

/** The results bucket, as far as submission reads run directories back (GET /simulations/{id}/rundir). */
export interface RunDirectoryReader {
  /** Every object under `prefix`, paths relative to it. */
  list(prefix: string): Promise<StoredRunDirectoryEntry[]>;
  /** At most `maxBytes` of the object at `key`, or undefined when there is none. */
  readHead(key: string, maxBytes: number): Promise<StoredObjectHead | undefined>;
}

/**
 * Where a batched ensemble creation keeps its work (docs/CAMPAIGNS.md,
 * "Creation in batches"): each batch's members in the results bucket, one
 * message a batch on the creation queue.
 */
export interface EnsembleCreationPorts {
  batches: {
    put(members: EnsembleCreationMembers): Promise<void>;
    /** Undefined when the file is missing (the ensemble purged meanwhile). */
    get(ensembleId: string, batch: number): Promise<EnsembleCreationMembers | undefined>;
  };
  queue: { send(messages: EnsembleCreationBatch[]): Promise<void> };
}
