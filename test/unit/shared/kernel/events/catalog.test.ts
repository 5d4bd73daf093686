import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DetailType, EventCatalog, Source } from '#shared/kernel/events/catalog.js';
import { validatorFor } from '#schemas/validator.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

describe('EventCatalog', () => {
  it('names a schema of schemas/events/ for every detail type, and each schema once', () => {
    const schemas = Object.values(EventCatalog).map((entry) => entry.schema);
    for (const id of schemas) expect(() => validatorFor(id)).not.toThrow();
    const files = readdirSync(path.join(repoRoot, 'schemas/events')).map(
      (file) => `https://gcr.dev/schemas/events/${file}`,
    );
    expect([...schemas].sort()).toEqual(files.sort());
    expect(Object.keys(EventCatalog).sort()).toEqual(Object.values(DetailType).sort());
  });

  it('has every detail type published by sources of ours', () => {
    const ours = new Set<string>(Object.values(Source));
    for (const entry of Object.values(EventCatalog)) {
      expect(entry.sources.length).toBeGreaterThan(0);
      for (const source of entry.sources) expect(ours.has(source)).toBe(true);
    }
  });
});
