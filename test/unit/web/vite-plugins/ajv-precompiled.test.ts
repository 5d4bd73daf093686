/**
 * The console's bundle validates specs with Ajv's standalone code, compiled at
 * build time (the CSP forbids eval). Vitest runs with the same plugin, so
 * here schemas/validator.ts is the precompiled one: it must refuse exactly as
 * the API's Ajv does.
 */
import { describe, expect, it } from 'vitest';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { allSchemas, simulationSpecSchema } from '#schemas/generated/schemas.js';
import { AJV_OPTIONS, ajv, cjsDefault, issuesFromAjv, validatorFor } from '#schemas/validator.js';

const SPECS: unknown[] = [
  {
    name: 'ok',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
  },
  {
    name: ' bad',
    simulation: { type: 'nope' },
    meteorology: {},
    grid: { resolution: '4x5', resolutoin: 1 },
    period: { start: 'yesterday' },
  },
  {
    name: 'x',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '2x25' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    compute: { vcpus: 0, instanceType: 'big' },
    tags: { 'bad key!': 'v' },
  },
  [],
];

function serverValidator() {
  const Ajv = cjsDefault<typeof import('ajv/dist/2020.js').default>(Ajv2020Module);
  const server = new Ajv({ ...AJV_OPTIONS });
  cjsDefault<typeof import('ajv-formats').default>(addFormatsModule)(server);
  for (const schema of allSchemas) server.addSchema(schema as Record<string, unknown>);
  return server.getSchema(simulationSpecSchema.$id)!;
}

describe('ajvPrecompiled', () => {
  it('gives schemas/validator.ts the precompiled validators in the console', () => {
    expect(ajv.constructor.name).toBe('PrecompiledAjv');
  });

  it("refuses every sample spec with the same issues, and fills the same defaults, as the API's Ajv", () => {
    const precompiled = validatorFor(simulationSpecSchema.$id);
    const server = serverValidator();
    for (const spec of SPECS) {
      const a = structuredClone(spec);
      const b = structuredClone(spec);
      expect(precompiled(a)).toBe(server(b));
      expect(issuesFromAjv(precompiled.errors)).toEqual(issuesFromAjv(server.errors));
      expect(a).toEqual(b);
    }
  });
});
