import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './local-dynamodb.js';

/** A valid spec from examples/, as a fresh object a test may change. */
export function exampleSpec(name = 'demo-local-4x5-1day'): Record<string, any> {
  return JSON.parse(readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8'));
}
