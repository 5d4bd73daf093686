/**
 * The run's input list (gcr-inputs.json), parsed by the shared parser
 * (shared/science/run/inputs-list.ts, also the Slurm agent's): an unreadable
 * list is the runner's configuration error (exit 78).
 */
import {
  INPUT_LIST_FILE,
  InputListError,
  parseInputList as parseSharedInputList,
  type InputEntry,
} from '#shared/science/run/inputs-list.js';
import { ConfigurationError } from './failures.js';

export { INPUT_LIST_FILE, type InputEntry };

export function parseInputList(text: string): InputEntry[] {
  try {
    return parseSharedInputList(text);
  } catch (error) {
    if (error instanceof InputListError) throw new ConfigurationError(error.message);
    throw error;
  }
}
