import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { matchesEventPattern, validateEventPattern, type EventPattern } from '#local/eventbridge/pattern.js';

interface PatternCase {
  name: string;
  source: string;
  pattern: EventPattern;
  event: unknown;
  matches: boolean;
  note?: string;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/eventbridge/pattern_cases.json', import.meta.url), 'utf8'),
) as { count: number; cases: PatternCase[] };
const cases = fixture.cases;

describe('EventBridge pattern conformance cases (aws/event-ruler tests and AWS docs)', () => {
  it('loads all 181 cases', () => {
    expect(cases).toHaveLength(181);
    expect(fixture.count).toBe(181);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(matchesEventPattern(c.pattern, c.event)).toBe(c.matches);
  });

  it('accepts every pattern of the conformance cases as valid', () => {
    const invalid = cases
      .map((c) => ({ name: c.name, problems: validateEventPattern(c.pattern) }))
      .filter((r) => r.problems.length > 0);
    expect(invalid).toEqual([]);
  });
});

describe('matchesEventPattern', () => {
  const batchEvent = {
    source: 'gcr.batch',
    'detail-type': 'Batch Job State Change',
    resources: ['arn:aws:batch:us-east-1:123456789012:job/abc'],
    detail: {
      status: 'FAILED',
      exitCode: 137,
      ip: '2001:db8::7',
      tags: [{ key: 'sim', value: 'fullchem' }, { key: 'owner' }],
      attempts: [],
      container: { image: 'geoschem:14.7.0' },
      note: null,
      empty: '',
    },
  };
  const match = (pattern: EventPattern): boolean => matchesEventPattern(pattern, batchEvent);

  it('compares numbers numerically and never confuses strings with numbers', () => {
    expect(match({ detail: { exitCode: [1.37e2] } })).toBe(true);
    expect(match({ detail: { exitCode: ['137'] } })).toBe(false);
    expect(matchesEventPattern({ n: [300] }, { n: 3.0e2 })).toBe(true);
    expect(matchesEventPattern({ n: ['300'] }, { n: 300 })).toBe(false);
  });

  it('matches numeric ranges only on numbers within ±5e9', () => {
    expect(match({ detail: { exitCode: [{ numeric: ['>', 128, '<=', 255] }] } })).toBe(true);
    expect(match({ detail: { exitCode: [{ numeric: ['>=', 138] }] } })).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>', 0] }] }, { n: 6e9 })).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>', 0] }] }, { n: '5' })).toBe(false);
  });

  it('distinguishes null, the empty string and an absent field', () => {
    expect(match({ detail: { note: [null] } })).toBe(true);
    expect(match({ detail: { note: [''] } })).toBe(false);
    expect(match({ detail: { empty: [''] } })).toBe(true);
    expect(match({ detail: { missing: [null] } })).toBe(false);
    expect(match({ detail: { note: [{ exists: true }] } })).toBe(true);
  });

  it('applies exists to leaves only: objects and empty arrays do not exist', () => {
    expect(match({ detail: { container: [{ exists: true }] } })).toBe(false);
    expect(match({ detail: { container: [{ exists: false }] } })).toBe(true);
    expect(match({ detail: { attempts: [{ exists: false }] } })).toBe(true);
    expect(match({ resources: [{ exists: true }] })).toBe(true);
    expect(match({ nowhere: { deeper: [{ exists: false }] } })).toBe(true);
  });

  it('matches fields of an array of objects within the same element', () => {
    expect(match({ detail: { tags: { key: ['sim'], value: ['fullchem'] } } })).toBe(true);
    expect(match({ detail: { tags: { key: ['owner'], value: ['fullchem'] } } })).toBe(false);
    expect(match({ detail: { tags: { key: ['owner'], value: [{ exists: false }] } } })).toBe(true);
    // With nothing else choosing an element, exists:false means no element has the field.
    expect(match({ detail: { tags: { value: [{ exists: false }] } } })).toBe(false);
    expect(match({ detail: { tags: { colour: [{ exists: false }] } } })).toBe(true);
  });

  it('supports prefix, suffix and their equals-ignore-case forms on strings only', () => {
    expect(match({ source: [{ prefix: 'gcr.' }] })).toBe(true);
    expect(match({ source: [{ prefix: { 'equals-ignore-case': 'GCR.B' } }] })).toBe(true);
    expect(match({ 'detail-type': [{ suffix: { 'equals-ignore-case': 'state CHANGE' } }] })).toBe(true);
    expect(match({ detail: { exitCode: [{ prefix: '13' }] } })).toBe(false);
  });

  it('supports wildcards with escaped asterisks and backslashes', () => {
    expect(match({ detail: { container: { image: [{ wildcard: 'geoschem:14.*' }] } } })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axxb' })).toBe(false);
    expect(matchesEventPattern({ f: [{ wildcard: 'dir\\\\*' }] }, { f: 'dir\\file' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: '*a*a*' }] }, { f: 'banana' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a*a' }] }, { f: 'a' })).toBe(false);
  });

  it('applies anything-but exclusions only to values of their own type and needs the field', () => {
    expect(match({ detail: { status: [{ 'anything-but': ['SUCCEEDED', 'RUNNING'] }] } })).toBe(true);
    expect(match({ detail: { status: [{ 'anything-but': { 'equals-ignore-case': 'failed' } }] } })).toBe(
      false,
    );
    expect(match({ detail: { status: [{ 'anything-but': { wildcard: 'FAIL*' } }] } })).toBe(false);
    expect(match({ detail: { status: [{ 'anything-but': { suffix: ['ED', 'NG'] } }] } })).toBe(false);
    expect(match({ detail: { exitCode: [{ 'anything-but': { prefix: '1' } }] } })).toBe(true);
    expect(match({ detail: { exitCode: [{ 'anything-but': 'abc' }] } })).toBe(true);
    expect(match({ detail: { missing: [{ 'anything-but': 'abc' }] } })).toBe(false);
  });

  it('matches IPv4 and IPv6 CIDR blocks and equal IP spellings', () => {
    expect(match({ detail: { ip: [{ cidr: '2001:db8::/32' }] } })).toBe(true);
    expect(match({ detail: { ip: [{ cidr: '2001:db9::/32' }] } })).toBe(false);
    expect(match({ detail: { ip: ['2001:0DB8:0:0:0:0:0:7'] } })).toBe(true);
    expect(matchesEventPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '10.255.1.2' })).toBe(true);
    expect(matchesEventPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '11.0.0.1' })).toBe(false);
    expect(matchesEventPattern({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'not-an-ip' })).toBe(false);
  });

  it('matches $or at any level, combined with the other fields', () => {
    const pattern = {
      source: ['gcr.batch'],
      detail: { $or: [{ status: ['SUCCEEDED'] }, { exitCode: [{ numeric: ['>', 0] }] }] },
    };
    expect(match(pattern)).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'gcr.batch', detail: { status: 'RUNNING' } })).toBe(false);
  });

  it('never throws on malformed patterns or events', () => {
    expect(matchesEventPattern({ a: 'x' } as EventPattern, { a: 'x' })).toBe(false);
    expect(matchesEventPattern({ a: [{ nope: 1 }] }, { a: 1 })).toBe(false);
    expect(matchesEventPattern({ a: [{ cidr: 'bad' }] }, { a: '10.0.0.1' })).toBe(false);
    expect(matchesEventPattern({ a: ['x'] }, null)).toBe(false);
    expect(matchesEventPattern({ a: ['x'] }, 'x')).toBe(false);
  });
});

describe('validateEventPattern', () => {
  it('accepts a pattern using every documented operator', () => {
    expect(
      validateEventPattern({
        source: ['aws.batch', null, true, 5],
        detail: {
          a: [{ prefix: 'x' }, { prefix: { 'equals-ignore-case': 'X' } }, { suffix: '.png' }],
          b: [{ 'equals-ignore-case': 'y' }, { wildcard: '*/lib/\\*' }, { exists: false }],
          c: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3.018e2] }, { cidr: '10.0.0.0/24' }],
          d: [{ 'anything-but': [1, 2] }, { 'anything-but': { suffix: ['.tmp', '.bak'] } }],
          $or: [{ e: ['1'] }, { f: { g: [{ 'anything-but': { wildcard: 'a*' } }] } }],
        },
      }),
    ).toEqual([]);
  });

  it('reports a non-array leaf with its path', () => {
    expect(validateEventPattern({ detail: { state: 'running' } })).toEqual([
      'detail.state: a pattern leaf must be an array (got string "running")',
    ]);
  });

  it('reports every problem, each with its path', () => {
    const problems = validateEventPattern({
      source: [],
      detail: {
        size: [{ numeric: ['<', 5, '>', 1] }],
        name: [{ wildcard: 'a**b' }],
        kind: [{ regex: '.*' }],
        ip: [{ cidr: '10.0.0.1/32' }],
        state: [{ 'anything-but': ['a', 1] }],
        nested: {},
        $or: [{ numeric: [1] }],
      },
    });
    expect(problems).toEqual([
      'source: empty arrays are not allowed',
      expect.stringMatching(/^detail\.size\[0\]\.numeric: too many elements/),
      expect.stringMatching(/^detail\.name\[0\]\.wildcard: consecutive wildcard characters/),
      expect.stringMatching(/^detail\.kind\[0\]: unrecognized match type "regex"/),
      'detail.ip[0].cidr: IPv4 mask bits must be < 32',
      'detail.state[0].anything-but: an anything-but list must hold only strings or only numbers',
      'detail.nested: empty objects are not allowed',
      'detail.$or: $or must be an array of at least 2 objects',
      'detail.$or[0].numeric: "numeric" is a reserved word and cannot be used as a field name inside $or',
    ]);
  });

  it('checks numeric operands: order, range, precision', () => {
    expect(validateEventPattern({ n: [{ numeric: ['>', 5, '<', 1] }] })).toEqual([
      'n[0].numeric: the lower bound must be less than the upper bound',
    ]);
    expect(validateEventPattern({ n: [{ numeric: ['<', 6e9] }] })[0]).toMatch(/between -5e9 and 5e9/);
    expect(validateEventPattern({ n: [{ numeric: ['=', 0.1234567] }] })[0]).toMatch(/6 digits/);
    expect(validateEventPattern({ n: [{ numeric: ['~', 1] }] })[0]).toMatch(/unrecognized numeric operator/);
  });

  it('rejects a pattern that is not an object, or is empty', () => {
    expect(validateEventPattern(['source'])).toEqual(['(root): an event pattern must be a JSON object']);
    expect(validateEventPattern({})).toEqual(['(root): empty objects are not allowed']);
  });

  it('checks match expressions have exactly one known key and well-typed operands', () => {
    expect(validateEventPattern({ a: [{ prefix: 'x', suffix: 'y' }] })).toEqual([
      'a[0]: only one key is allowed in a match expression (found "prefix", "suffix")',
    ]);
    expect(validateEventPattern({ a: [{ exists: 'yes' }] })).toEqual([
      'a[0].exists: exists match pattern must be either true or false',
    ]);
    expect(validateEventPattern({ a: [{ 'anything-but': { prefix: '' } }] })).toEqual([
      'a[0].anything-but.prefix: an empty prefix is not allowed',
    ]);
    expect(validateEventPattern({ a: [{ wildcard: 'a\\b' }] })[0]).toMatch(
      /^a\[0\]\.wildcard: invalid escape/,
    );
    expect(validateEventPattern({ a: [['nested']] })[0]).toMatch(/^a\[0\]: a match value must be/);
  });
});
