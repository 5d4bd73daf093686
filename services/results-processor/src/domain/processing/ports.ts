import type { Readable } from 'node:stream';
import type { TimeBudget } from '#shared/science/results/file-limits.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';

export interface StoredObject {
  /** Full key in the bucket. */
  key: string;
  size: number;
}

/** The results bucket, as the processor uses it. */
export interface ResultsStore {
  /** Every object under a prefix (all pages). */
  list(prefix: string): Promise<StoredObject[]>;
  /** The object's bytes as a stream. */
  stream(key: string): Promise<Readable>;
  /** The object as text, or undefined when it does not exist. */
  readText(key: string): Promise<string | undefined>;
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
  /** Uploads a local file (streamed; large files in parts). */
  putFile(key: string, path: string, contentType: string): Promise<void>;
}

export interface PreviewImage {
  variable: string;
  png: Buffer;
}

/**
 * Products derived from a collection's files once they are on local disk: the
 * time-mean surface file and preview maps (shared/science/results/surface-means.ts and
 * shared/science/results/preview/). Optional, so the pipeline runs without them.
 */
export interface DerivedProducts {
  writeSurfaceMeans(sourcePaths: string[], outPath: string, options?: { budget?: TimeBudget }): Promise<void>;
  /** PNG maps of the given variables of a surface-means file. */
  renderPreviews(
    surfacePath: string,
    variables: string[],
    options?: { budget?: TimeBudget },
  ): Promise<PreviewImage[]>;
}

export interface ResultsPorts {
  repository: SimulationRepository;
  store: ResultsStore;
  publisher: EventPublisher;
  now: () => Date;
  /** Where outputs are staged while they are read (Lambda: /tmp). */
  tmpDir: string;
  /**
   * How long a PROCESSING mark is held by the run that set it: past it, the
   * next delivery takes the run for dead (default DEFAULT_LEASE_SECONDS, the
   * function's timeout and a minute; never less than the timeout).
   */
  leaseSeconds?: number;
  /** Species drawn when the request does not name them. */
  previewSpeciesCount: number;
  products?: DerivedProducts;
  /** Whether an error is worth a retry (throttling, 5xx, network). */
  isTransient(err: unknown): boolean;
  /** In-process retries of one S3 read or write before the queue's (default 3 attempts, 200 ms). */
  retry?: { attempts: number; baseDelayMs: number };
  log?: (message: string, data?: Record<string, unknown>) => void;
}
