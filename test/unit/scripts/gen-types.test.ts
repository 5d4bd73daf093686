import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findStale, generate, HEADER, writeGenerated } from '#scripts/gen-types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('schemas/generated', () => {
  it('is up to date with schemas/ (npm run gen:types -- --check)', async () => {
    expect(await findStale({ root: ROOT })).toEqual([]);
  }, 60_000);
});

describe('gen-types on a scratch project', () => {
  let root: string;

  const write = (rel: string, value: unknown) => {
    const full = path.join(root, 'schemas', rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, JSON.stringify(value, null, 2));
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gcr-gen-types-'));
    copyFileSync(path.join(ROOT, '.prettierrc.json'), path.join(root, '.prettierrc.json'));
    write('thing.schema.json', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://gcr.dev/schemas/thing.schema.json',
      title: 'Thing',
      type: 'object',
      additionalProperties: false,
      required: ['colour'],
      properties: {
        colour: { $ref: '#/$defs/Colour', description: 'What colour it is.' },
        size: { type: 'integer', default: 1 },
        tint: { $ref: '#/$defs/tint' },
      },
      $defs: {
        Colour: { title: 'Colour', type: 'string', enum: ['red', 'blue'] },
        tint: { type: 'string', enum: ['light', 'dark'] },
      },
    });
    write('events/thing-painted.schema.json', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://gcr.dev/schemas/events/thing-painted.schema.json',
      title: 'ThingPaintedDetail',
      type: 'object',
      additionalProperties: false,
      required: ['thing', 'from'],
      properties: {
        thing: { $ref: 'https://gcr.dev/schemas/thing.schema.json' },
        from: { $ref: '../thing.schema.json#/$defs/Colour' },
        size: { $ref: '../thing.schema.json#/properties/size' },
      },
    });
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('types every schema in subfolders by title, with cross-file $refs as named types declared once', async () => {
    const [types, schemas] = await generate({ root });
    expect(types!.path).toBe('schemas/generated/types.ts');
    expect(types!.content.startsWith(`${HEADER}\n`)).toBe(true);
    expect(types!.content).toContain('export interface Thing {');
    expect(types!.content).toContain('export interface ThingPaintedDetail {');
    expect(types!.content).toMatch(/thing: Thing;/);
    expect(types!.content).toMatch(/from: Colour;/);
    expect(types!.content).toMatch(/size\?: number;/);
    expect(types!.content).toMatch(/tint\?: Tint;/);
    expect(types!.content).toMatch(/export type Tint = 'light' \| 'dark';/);
    expect(types!.content.match(/export type Colour =/g)).toHaveLength(1);
    expect(types!.content).toMatch(/\* What colour it is\.\n\s*\*\/\n\s*colour: Colour;/);

    expect(schemas!.path).toBe('schemas/generated/schemas.ts');
    expect(schemas!.content.startsWith(`${HEADER}\n`)).toBe(true);
    expect(schemas!.content).toContain('export const thingSchema = {');
    expect(schemas!.content).toContain('export const thingPaintedDetailSchema = {');
    expect(schemas!.content).toMatch(
      /export const allSchemas = \[thingPaintedDetailSchema, thingSchema\] as const;/,
    );
  }, 60_000);

  it('is deterministic and reports nothing stale right after writing', async () => {
    expect(await findStale({ root })).toEqual(['schemas/generated/types.ts', 'schemas/generated/schemas.ts']);
    await writeGenerated({ root });
    expect(await findStale({ root })).toEqual([]);
    const first = readFileSync(path.join(root, 'schemas/generated/types.ts'), 'utf8');
    await writeGenerated({ root });
    expect(readFileSync(path.join(root, 'schemas/generated/types.ts'), 'utf8')).toBe(first);
  }, 60_000);

  it('reports the generated files as stale when a schema changes', async () => {
    await writeGenerated({ root });
    const thing = JSON.parse(readFileSync(path.join(root, 'schemas/thing.schema.json'), 'utf8'));
    thing.properties.weight = { type: 'number' };
    write('thing.schema.json', thing);
    expect(await findStale({ root })).toEqual(['schemas/generated/types.ts', 'schemas/generated/schemas.ts']);
  }, 60_000);

  it('declares the titled $defs of a schema whose root is not an object (a union of them)', async () => {
    write('code.schema.json', {
      $id: 'https://gcr.dev/schemas/code.schema.json',
      title: 'Code',
      anyOf: [{ $ref: '#/$defs/GoodCode' }, { $ref: '#/$defs/RetryCode' }],
      $defs: {
        GoodCode: {
          title: 'GoodCode',
          description: 'Codes that end it.',
          oneOf: [{ const: 0 }, { const: 1 }],
        },
        RetryCode: { title: 'RetryCode', oneOf: [{ const: 75 }] },
      },
    });
    const [types] = await generate({ root });
    expect(types!.content).toMatch(/export type Code = GoodCode \| RetryCode;/);
    expect(types!.content).toMatch(/\* Codes that end it\.\n \*\/\nexport type GoodCode = 0 \| 1;/);
    expect(types!.content.match(/export type RetryCode = 75;/g)).toHaveLength(1);
    rmSync(path.join(root, 'schemas/code.schema.json'));
  }, 60_000);

  it('refuses a schema without title or $id, naming the file', async () => {
    write('broken.schema.json', { type: 'object' });
    await expect(generate({ root })).rejects.toThrow(
      /schemas\/broken\.schema\.json: needs a "title"[\s\S]*schemas\/broken\.schema\.json: needs an absolute "\$id", by convention "https:\/\/gcr\.dev\/schemas\/broken\.schema\.json"/,
    );
    rmSync(path.join(root, 'schemas/broken.schema.json'));
  });

  it('refuses two schemas with the same title', async () => {
    write('again.schema.json', {
      $id: 'https://gcr.dev/schemas/again.schema.json',
      title: 'Thing',
      type: 'string',
    });
    await expect(generate({ root })).rejects.toThrow(
      /"title" Thing is also the title of schemas\/(again|thing)\.schema\.json/,
    );
    rmSync(path.join(root, 'schemas/again.schema.json'));
  });

  it('refuses a $ref to no known schema', async () => {
    write('dangling.schema.json', {
      $id: 'https://gcr.dev/schemas/dangling.schema.json',
      title: 'Dangling',
      type: 'object',
      properties: { x: { $ref: 'https://gcr.dev/schemas/missing.schema.json' } },
    });
    await expect(generate({ root })).rejects.toThrow(/dangling\.schema\.json/);
    rmSync(path.join(root, 'schemas/dangling.schema.json'));
  });

  it('refuses a schema that strict Ajv would refuse', async () => {
    write('loose.schema.json', {
      $id: 'https://gcr.dev/schemas/loose.schema.json',
      title: 'Loose',
      type: 'object',
      properties: { x: { type: 'string', minimun: 1 } },
    });
    await expect(generate({ root })).rejects.toThrow(
      /loose\.schema\.json: Ajv \(strict, 2020-12\) refuses it/,
    );
    rmSync(path.join(root, 'schemas/loose.schema.json'));
  });
});
