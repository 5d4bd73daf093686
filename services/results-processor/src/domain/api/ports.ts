import type { Simulation } from '#schemas/generated/types.js';

/** What the results API reads and writes in the results bucket; keys are whole bucket keys. */
export interface ResultsObjectStore {
  /** The object parsed as JSON, or undefined when it does not exist. */
  getJson(key: string): Promise<unknown>;
  /** Size and type of an object, or undefined when it does not exist. */
  head(key: string): Promise<{ size: number; contentType?: string } | undefined>;
  /** Keys under a prefix (whole bucket keys), at most `limit`. */
  listKeys(prefix: string, limit: number): Promise<string[]>;
  /** A GET URL for the object, valid for `ttlSeconds`. */
  presignGet(key: string, ttlSeconds: number): Promise<string>;
  /** Copies an object to a local file; false when it does not exist. */
  download(key: string, path: string): Promise<boolean>;
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
}

/** Reads simulations by id (the repository's `get`). */
export interface SimulationReader {
  get(id: string): Promise<Simulation | undefined>;
}

export interface ResultsApiPorts {
  repository: SimulationReader;
  store: ResultsObjectStore;
  now: () => Date;
}
