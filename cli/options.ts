/** Parsers for option values; a bad value is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';
import { isSimulationStatus, SIMULATION_STATUSES, type SimulationStatus } from '#shared/kernel/status.js';

export function positiveInteger(what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${what} must be a positive integer.`);
    }
    return n;
  };
}

export function simulationStatus(value: string): SimulationStatus {
  const status = value.trim().toUpperCase().replace(/-/g, '_');
  if (!isSimulationStatus(status)) {
    throw new InvalidArgumentError(`status must be one of ${SIMULATION_STATUSES.join(', ')}.`);
  }
  return status;
}

export function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`${what} must not be empty.`);
    return value;
  };
}

/** A positive number of seconds, fractions allowed (`2`, `0.5`). */
export function positiveSeconds(what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${what} must be a positive number of seconds.`);
    }
    return n;
  };
}

export function integerInRange(what: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}
