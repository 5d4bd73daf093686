import { ConfigError } from './errors.js';

/**
 * Reads configuration from an environment once, at module load, and fails fast
 * with every problem listed: a Lambda that cannot work should not start.
 */
export class EnvReader {
  private readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  optionalString(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /** The simulations table every service reads: its name and the StatusIndex's shard count. */
  simulationsTable(): { tableName: string; statusIndexShards: number } {
    return {
      tableName: this.string('SIMULATIONS_TABLE'),
      statusIndexShards: this.int('STATUS_INDEX_SHARDS', 16, { min: 1, max: 256 }),
    };
  }

  /** Throws one ConfigError naming every problem found so far. */
  done(): void {
    if (this.problems.length > 0) {
      throw new ConfigError(`invalid configuration: ${this.problems.join('; ')}`);
    }
  }
}
