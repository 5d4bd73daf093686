import { describe, expect, it } from '@jest/globals';
import type { ErrorObject } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import { ajv, issuesFromAjv, validatorFor } from '#schemas/validator.js';
import { allSchemas } from '#schemas/generated/schemas.js';

const Ajv2020 = Ajv2020Module.default;

/** Validates `data` against an ad-hoc schema with the shared instance and returns the issues. */
function issues(schema: Record<string, unknown>, data: unknown, prefix?: string) {
  const validate = ajv.compile(schema);
  expect(validate(data)).toBe(false);
  return issuesFromAjv(validate.errors, prefix);
}

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
});

describe('shared ajv instance', () => {
  it('holds every generated schema under its $id', () => {
    for (const schema of allSchemas) {
      expect(typeof validatorFor(schema.$id)).toBe('function');
    }
  });

  it('throws for an unknown $id', () => {
    expect(() => validatorFor('https://gcr.dev/schemas/nope.schema.json')).toThrow(
      /no JSON Schema with \$id/,
    );
  });

  it('fills in schema defaults while validating', () => {
    const validate = ajv.compile(object({ limit: { type: 'integer', default: 20 } }));
    const data: Record<string, unknown> = {};
    expect(validate(data)).toBe(true);
    expect(data).toEqual({ limit: 20 });
  });
});

describe('issuesFromAjv', () => {
  it('gives no issues for no errors', () => {
    expect(issuesFromAjv(null)).toEqual([]);
    expect(issuesFromAjv(undefined)).toEqual([]);
    expect(issuesFromAjv([])).toEqual([]);
  });

  it('names a missing property by its dotted path and says it is required', () => {
    const schema = object({ grid: object({ resolution: { type: 'string' } }, { required: ['resolution'] }) });
    expect(issues(schema, { grid: {} })).toEqual([{ field: 'grid.resolution', message: 'is required' }]);
  });

  it('calls the root "body", or the prefix when given', () => {
    expect(issues({ type: 'object' }, 'text')).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    expect(issues({ type: 'object' }, 'text', 'query')).toEqual([
      { field: 'query', message: 'must be a JSON object' },
    ]);
  });

  it('puts the prefix in front of nested fields', () => {
    const schema = object({ limit: { type: 'integer', minimum: 1 } });
    expect(issues(schema, { limit: 0 }, 'query')).toEqual([
      { field: 'query.limit', message: 'must be at least 1' },
    ]);
  });

  it('reports an unknown field on its parent and suggests the closest known name', () => {
    const schema = object({ grid: object({ resolution: { type: 'string' }, levels: { type: 'integer' } }) });
    expect(issues(schema, { grid: { resolutoin: '4x5' } })).toEqual([
      { field: 'grid', message: 'unknown field "resolutoin" (did you mean "resolution"?)' },
    ]);
  });

  it('lists the allowed fields when no known name is close', () => {
    const schema = object({ name: { type: 'string' }, period: { type: 'object' } });
    expect(issues(schema, { foo: 1 })).toEqual([
      { field: 'body', message: 'unknown field "foo"; allowed fields: name, period' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const schema = object({ resolution: { enum: ['4x5', '2x2.5', '0.5x0.625'] } });
    expect(issues(schema, { resolution: '1x1' })).toEqual([
      { field: 'resolution', message: 'must be one of: 4x5, 2x2.5, 0.5x0.625' },
    ]);
  });

  it('names types in words', () => {
    const schema = object({
      s: { type: 'string' },
      i: { type: 'integer' },
      n: { type: 'number' },
      b: { type: 'boolean' },
      a: { type: 'array' },
      maybe: { type: ['string', 'null'] },
    });
    expect(issues(schema, { s: 1, i: 1.5, n: 'x', b: 'yes', a: {}, maybe: 3 })).toEqual([
      { field: 's', message: 'must be a string' },
      { field: 'i', message: 'must be a whole number' },
      { field: 'n', message: 'must be a number' },
      { field: 'b', message: 'must be true or false' },
      { field: 'a', message: 'must be a list (JSON array)' },
      { field: 'maybe', message: 'must be a string or null' },
    ]);
  });

  it('shows a const value as JSON', () => {
    expect(issues(object({ schemaVersion: { const: '1' } }), { schemaVersion: '2' })).toEqual([
      { field: 'schemaVersion', message: 'must be "1"' },
    ]);
  });

  it('explains a date-time format with an example', () => {
    expect(issues(object({ at: { type: 'string', format: 'date-time' } }), { at: 'yesterday' })).toEqual([
      { field: 'at', message: 'must be a date and time with a time zone, e.g. 2019-07-01T00:00:00Z' },
    ]);
  });

  it('words numeric and length limits', () => {
    const schema = object({
      a: { type: 'number', maximum: 10 },
      b: { type: 'number', exclusiveMinimum: 0 },
      c: { type: 'number', exclusiveMaximum: 5 },
      d: { type: 'number', multipleOf: 3 },
      e: { type: 'string', minLength: 3 },
      f: { type: 'string', maxLength: 2 },
      g: { type: 'string', minLength: 1 },
    });
    expect(issues(schema, { a: 11, b: 0, c: 5, d: 4, e: 'ab', f: 'abc', g: '' })).toEqual([
      { field: 'a', message: 'must be at most 10' },
      { field: 'b', message: 'must be greater than 0' },
      { field: 'c', message: 'must be less than 5' },
      { field: 'd', message: 'must be a multiple of 3' },
      { field: 'e', message: 'must be at least 3 characters long' },
      { field: 'f', message: 'must be at most 2 characters long' },
      { field: 'g', message: 'must not be empty' },
    ]);
  });

  it('reports only "must not be empty" for an empty string that also fails its pattern', () => {
    expect(
      issues(object({ name: { type: 'string', minLength: 1, pattern: '^[a-z]+$' } }), { name: '' }),
    ).toEqual([{ field: 'name', message: 'must not be empty' }]);
  });

  it('uses dotted indices for array items and names a repeated item', () => {
    const schema = object({
      items: {
        type: 'array',
        items: object({ name: { type: 'string' } }, { required: ['name'] }),
        maxItems: 3,
      },
      list: { type: 'array', uniqueItems: true, minItems: 2 },
    });
    expect(issues(schema, { items: [{ name: 'a' }, {}], list: ['x', 'x'] })).toEqual([
      { field: 'items.1.name', message: 'is required' },
      { field: 'list', message: 'lists x twice' },
    ]);
    expect(issues(schema, { items: [], list: ['x'] })).toEqual([
      { field: 'list', message: 'must have at least 2 items' },
    ]);
  });

  it('unescapes JSON pointer segments in field paths', () => {
    const schema = { type: 'object', additionalProperties: { type: 'string' } };
    expect(issues(schema, { 'a/b': 1, 'c~d': 2 })).toEqual([
      { field: 'a/b', message: 'must be a string' },
      { field: 'c~d', message: 'must be a string' },
    ]);
  });

  it('reports a bad property name on the key itself', () => {
    const schema = {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^[a-z]+$' },
      maxProperties: 2,
    };
    expect(issues(schema, { Bad: 1 })).toEqual([
      { field: 'Bad', message: 'the key "Bad" must match the pattern ^[a-z]+$' },
    ]);
    expect(issues(schema, { a: 1, b: 2, c: 3 })).toEqual([
      { field: 'body', message: 'must have at most 2 entries' },
    ]);
  });

  it('words dependentRequired, anyOf, oneOf and not, and leaves out if/then summaries', () => {
    const schema = {
      type: 'object',
      properties: {
        custom: { type: 'boolean' },
        bounds: { type: 'object' },
        id: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        kind: { oneOf: [{ type: 'string' }, { const: 'x' }] },
        other: { not: { type: 'string' } },
        mode: { type: 'string' },
      },
      dependentRequired: { custom: ['bounds'] },
      if: { properties: { mode: { const: 'a' } }, required: ['mode'] },
      then: { properties: { id: true }, required: ['id'] },
    };
    const found = issues(schema, { custom: true, kind: 'x', other: 's', mode: 'a' });
    expect(found).toHaveLength(4);
    expect(found).toEqual(
      expect.arrayContaining([
        { field: 'bounds', message: 'is required when "custom" is given' },
        { field: 'kind', message: 'matches more than one of the allowed forms' },
        { field: 'other', message: 'is not allowed here' },
        { field: 'id', message: 'is required' },
      ]),
    );
    expect(issues(schema, { id: true })).toEqual([
      { field: 'id', message: 'must be a string or a whole number' },
    ]);
  });

  it('folds the failed branches of an anyOf into one issue, also across a $ref to another schema', () => {
    const own = new Ajv2020({ strict: true, allErrors: true });
    own.addSchema({ $id: 'https://example.test/status.json', type: 'string', enum: ['PENDING', 'RUNNING'] });
    const validate = own.compile({
      type: 'object',
      properties: { from: { anyOf: [{ $ref: 'https://example.test/status.json' }, { type: 'null' }] } },
    });
    expect(validate({ from: 'NOPE' })).toBe(false);
    expect(issuesFromAjv(validate.errors)).toEqual([
      { field: 'from', message: 'must be one of: PENDING, RUNNING or null' },
    ]);
  });

  it('gives one summary for an anyOf whose branches fail in depth', () => {
    const schema = object({
      target: {
        anyOf: [object({ url: { type: 'string' } }, { required: ['url'] }), { type: 'string', minLength: 3 }],
      },
    });
    expect(issues(schema, { target: {} })).toEqual([
      { field: 'target', message: 'does not match any of the allowed forms' },
    ]);
  });

  it('drops duplicate issues', () => {
    const error: ErrorObject = {
      keyword: 'required',
      instancePath: '',
      schemaPath: '#/required',
      params: { missingProperty: 'name' },
    };
    expect(issuesFromAjv([error, { ...error }])).toEqual([{ field: 'name', message: 'is required' }]);
  });

  it('works on errors of an Ajv instance without verbose, and falls back to ajv words for unknown keywords', () => {
    const errors: ErrorObject[] = [
      {
        keyword: 'additionalProperties',
        instancePath: '/grid',
        schemaPath: '#',
        params: { additionalProperty: 'x' },
      },
      { keyword: 'uniqueItems', instancePath: '/list', schemaPath: '#', params: { i: 1, j: 0 } },
      {
        keyword: 'contains',
        instancePath: '/list',
        schemaPath: '#',
        params: {},
        message: 'must contain at least 1 valid item(s)',
      },
    ];
    expect(issuesFromAjv(errors)).toEqual([
      { field: 'grid', message: 'unknown field "x"' },
      { field: 'list', message: 'must not list the same item twice' },
      { field: 'list', message: 'must contain at least 1 valid item(s)' },
    ]);
  });
});
