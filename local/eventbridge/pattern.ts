// EventBridge event-pattern matching for the local platform, following the semantics AWS documents for
// event buses (and implements in aws/event-ruler, `rulesForJSONEvent`):
//
// - A pattern is an object. Each key must be matched by the event (AND); a nested object descends into
//   the event; an array is a leaf listing alternatives (OR). `$or: [{…}, {…}]` matches if any branch does.
// - Only leaf values (strings, numbers, booleans, null) are matched. When the event holds an array, the
//   leaf matches if any element matches; nested arrays are flattened.
// - Arrays of objects are matched array-consistently: every field of a nested pattern must be satisfied by
//   the same array element. `{ "exists": false }` is satisfied by the element the rest of the pattern
//   chose; a nested pattern made only of `exists: false` requires that no element has the field.
// - Exact values: strings compare exactly (an IP literal also matches other spellings of the same
//   address); numbers compare numerically (300 matches 3.0e2); true, false and null match themselves; ""
//   and null are different. A string never matches a number and vice versa.
// - `prefix`, `suffix` (each optionally `{ "equals-ignore-case": … }`), `equals-ignore-case`, `wildcard`
//   and `cidr` match string values only; `numeric` matches numbers within ±5e9 only.
// - `anything-but` (value, list, or `{ prefix | suffix | equals-ignore-case | wildcard: value | list }`)
//   needs the field to be present and matches every leaf value not excluded; exclusions only apply to
//   values of their own type (a string is never excluded by numbers, a number never by string rules).
// - `exists: true` matches when the path has at least one leaf value (null counts; an object, or an empty
//   array, does not); `exists: false` when it has none.
//
// Patterns are not compiled: matching walks the pattern and the event together. Operands that need parsing
// (wildcards, CIDR blocks, IP literals) are parsed once and cached by their text. Matching never throws: a
// malformed leaf or operator simply does not match (an empty object, which AWS rejects, constrains
// nothing); check patterns with validateEventPattern when they are registered.

import {
  OR_KEY,
  endsWithIgnoreCase,
  equalsIgnoreCase,
  ipInRange,
  isPlainObject,
  NUMERIC_LIMIT,
  parseCidr,
  parseIp,
  parseWildcard,
  patternIp,
  sameBytes,
  setOwn,
  singleKey,
  startsWithIgnoreCase,
  wildcardMatches,
  type JsonObject,
} from './pattern-support.js';

export { validateEventPattern } from './pattern-validate.js';

/** An EventBridge event pattern: a JSON object (see validateEventPattern for the accepted grammar). */
export type EventPattern = Record<string, unknown>;

/** A leaf value of an event: what patterns compare against. */
type Leaf = string | number | boolean | null;

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;

/** Whether `event` (a parsed JSON event) matches `pattern`. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(pattern)) return false;
  return matchNested(pattern, event);
}

// ---------------------------------------------------------------------------------------------------
// Structure

/** Matches an object pattern against whatever the event holds at that position. */
function matchNested(pattern: JsonObject, value: unknown): boolean {
  if (Array.isArray(value)) return matchInArray(pattern, value);
  // A leaf, null or an absent field has no sub-fields: only `exists: false` can match under it.
  return matchObject(pattern, isPlainObject(value) ? value : EMPTY);
}

function matchObject(pattern: JsonObject, obj: JsonObject): boolean {
  for (const key in pattern) {
    if (!Object.hasOwn(pattern, key)) continue;
    const expected = pattern[key];
    if (key === OR_KEY && Array.isArray(expected)) {
      if (!matchOr(expected, obj)) return false;
      continue;
    }
    const actual = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, actual)) return false;
    } else if (isPlainObject(expected)) {
      if (!matchNested(expected, actual)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function matchOr(branches: readonly unknown[], obj: JsonObject): boolean {
  for (const branch of branches) {
    if (isPlainObject(branch) && matchObject(branch, obj)) return true;
  }
  return false;
}

// Array consistency. A pattern branch that matches some leaf value ("anchored") picks one element of the
// array; a branch made only of `exists: false` constrains every element.

const ANCHORED = 1;
const UNANCHORED = 2;

function matchInArray(pattern: JsonObject, elements: readonly unknown[]): boolean {
  const kind = branchKinds(pattern);
  if (kind === UNANCHORED) return everyElement(pattern, elements);
  if (kind !== (ANCHORED | UNANCHORED)) return someElement(pattern, elements);
  // Both kinds of branch: split the pattern into its branches and apply each one's rule.
  for (const branch of expandBranches(pattern)) {
    const matched =
      branchKinds(branch) === UNANCHORED ? everyElement(branch, elements) : someElement(branch, elements);
    if (matched) return true;
  }
  return false;
}

function someElement(pattern: JsonObject, elements: readonly unknown[]): boolean {
  for (const element of elements) {
    if (Array.isArray(element)) {
      if (someElement(pattern, element)) return true;
    } else if (matchObject(pattern, isPlainObject(element) ? element : EMPTY)) {
      return true;
    }
  }
  return false;
}

function everyElement(pattern: JsonObject, elements: readonly unknown[]): boolean {
  for (const element of elements) {
    if (Array.isArray(element)) {
      if (!everyElement(pattern, element)) return false;
    } else if (!matchObject(pattern, isPlainObject(element) ? element : EMPTY)) {
      return false;
    }
  }
  return true;
}

function isAbsence(item: unknown): boolean {
  return isPlainObject(item) && item.exists === false && singleKey(item) === 'exists';
}

/**
 * Which kinds of branch the pattern's disjunctive normal form has: ANCHORED if some branch requires a leaf
 * value, UNANCHORED if some branch consists only of `exists: false`; 0 if it can never match.
 */
function branchKinds(pattern: JsonObject): number {
  let someAnchored = false;
  let allCanBeUnanchored = true;
  for (const key in pattern) {
    if (!Object.hasOwn(pattern, key)) continue;
    const expected = pattern[key];
    let kinds = 0;
    if (key === OR_KEY && Array.isArray(expected)) {
      for (const branch of expected) if (isPlainObject(branch)) kinds |= branchKinds(branch);
    } else if (Array.isArray(expected)) {
      for (const item of expected) kinds |= isAbsence(item) ? UNANCHORED : ANCHORED;
    } else if (isPlainObject(expected)) {
      kinds = branchKinds(expected);
    }
    if (kinds === 0) return 0;
    if (kinds & ANCHORED) someAnchored = true;
    if (!(kinds & UNANCHORED)) allCanBeUnanchored = false;
  }
  return (someAnchored ? ANCHORED : 0) | (allCanBeUnanchored ? UNANCHORED : 0);
}

/**
 * The pattern as a list of branches without `$or`, each leaf holding either only `exists: false` or no
 * `exists: false` (used only for the rare patterns that mix both kinds under an array of objects).
 */
function expandBranches(pattern: JsonObject): JsonObject[] {
  let branches: JsonObject[] = [{}];
  for (const key in pattern) {
    if (!Object.hasOwn(pattern, key)) continue;
    const expected = pattern[key];
    let alternatives: JsonObject[];
    if (key === OR_KEY && Array.isArray(expected)) {
      alternatives = expected.filter(isPlainObject).flatMap(expandBranches);
    } else if (Array.isArray(expected)) {
      const anchored = expected.filter((item) => !isAbsence(item));
      const absent = expected.filter(isAbsence);
      alternatives = [anchored, absent]
        .filter((items) => items.length > 0)
        .map((items) => fragment(key, items));
    } else if (isPlainObject(expected)) {
      alternatives = expandBranches(expected).map((branch) => fragment(key, branch));
    } else {
      alternatives = [fragment(key, expected)];
    }
    branches = branches.flatMap((branch) =>
      alternatives.map((alternative) => deepMerge(branch, alternative)),
    );
  }
  return branches;
}

function fragment(key: string, value: unknown): JsonObject {
  const obj: JsonObject = {};
  setOwn(obj, key, value);
  return obj;
}

function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(a)) setOwn(out, key, a[key]);
  for (const key of Object.keys(b)) {
    const left = out[key];
    const right = b[key];
    setOwn(out, key, isPlainObject(left) && isPlainObject(right) ? deepMerge(left, right) : right);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Leaves

/** A leaf pattern (array of alternatives) against the event value at that path (undefined if absent). */
function matchLeaf(items: readonly unknown[], value: unknown): boolean {
  for (const item of items) {
    if (item === null || typeof item !== 'object') {
      if (anyLeafEquals(item, value)) return true;
      continue;
    }
    if (Array.isArray(item)) continue;
    const op = singleKey(item as JsonObject);
    if (op === undefined) continue;
    const operand = (item as JsonObject)[op];
    if (op === 'exists') {
      if (typeof operand === 'boolean' && hasLeaf(value) === operand) return true;
    } else if (anyLeafMatches(op, operand, value)) {
      return true;
    }
  }
  return false;
}

/** Whether there is at least one leaf value (null included) at this position. */
function hasLeaf(value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (const element of value) if (hasLeaf(element)) return true;
    return false;
  }
  return value === null || typeof value !== 'object';
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function anyLeafEquals(expected: unknown, value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (anyLeafEquals(expected, element)) return true;
    return false;
  }
  if (!isLeaf(value)) return false;
  if (typeof expected === 'string') {
    if (typeof value !== 'string') return false;
    return value === expected || sameIp(expected, value);
  }
  return expected === value;
}

/** A pattern IP literal matches any spelling of the same address (e.g. IPv6 with or without `::`). */
function sameIp(expected: string, value: string): boolean {
  const want = patternIp(expected);
  if (want === null) return false;
  const got = parseIp(value);
  return got !== null && sameBytes(want, got);
}

function anyLeafMatches(op: string, operand: unknown, value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const element of value) if (anyLeafMatches(op, operand, element)) return true;
    return false;
  }
  if (!isLeaf(value)) return false;
  switch (op) {
    case 'prefix':
      return typeof value === 'string' && stringTest('prefix', operand, value);
    case 'suffix':
      return typeof value === 'string' && stringTest('suffix', operand, value);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && equalsIgnoreCase(value, operand);
    case 'wildcard':
      return typeof value === 'string' && wildcardTest(operand, value);
    case 'anything-but':
      return anythingBut(operand, value);
    case 'numeric':
      return typeof value === 'number' && numericTest(operand, value);
    case 'cidr':
      return typeof value === 'string' && cidrTest(operand, value);
    default:
      return false;
  }
}

/** prefix / suffix with a string operand or `{ "equals-ignore-case": string }`. */
function stringTest(op: 'prefix' | 'suffix', operand: unknown, value: string): boolean {
  if (typeof operand === 'string')
    return op === 'prefix' ? value.startsWith(operand) : value.endsWith(operand);
  if (!isPlainObject(operand) || singleKey(operand) !== 'equals-ignore-case') return false;
  const text = operand['equals-ignore-case'];
  if (typeof text !== 'string') return false;
  return op === 'prefix' ? startsWithIgnoreCase(value, text) : endsWithIgnoreCase(value, text);
}

function wildcardTest(operand: unknown, value: string): boolean {
  if (typeof operand !== 'string') return false;
  const parsed = parseWildcard(operand);
  return parsed.ok && wildcardMatches(parsed.program, value);
}

function numericTest(operand: unknown, value: number): boolean {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0) return false;
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) return false;
  for (let i = 0; i < operand.length; i += 2) {
    const bound: unknown = operand[i + 1];
    if (typeof bound !== 'number') return false;
    switch (operand[i]) {
      case '=':
        if (!(value === bound)) return false;
        break;
      case '<':
        if (!(value < bound)) return false;
        break;
      case '<=':
        if (!(value <= bound)) return false;
        break;
      case '>':
        if (!(value > bound)) return false;
        break;
      case '>=':
        if (!(value >= bound)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function cidrTest(operand: unknown, value: string): boolean {
  if (typeof operand !== 'string') return false;
  const parsed = parseCidr(operand);
  if (!parsed.ok) return false;
  const ip = parseIp(value);
  return ip !== null && ipInRange(ip, parsed.range);
}

// anything-but

function anythingBut(operand: unknown, value: Leaf): boolean {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return !(typeof value === typeof operand && value === operand);
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) return false;
    for (const excluded of operand) {
      if (
        (typeof excluded !== 'string' && typeof excluded !== 'number') ||
        typeof excluded !== typeof value
      ) {
        continue;
      }
      if (excluded === value) return false;
    }
    return true;
  }
  if (!isPlainObject(operand)) return false;
  const op = singleKey(operand);
  if (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard') return false;
  const excluded = operand[op];
  if (typeof excluded !== 'string' && !Array.isArray(excluded)) return false;
  if (op === 'wildcard' && !allWildcardsValid(excluded)) return false;
  // These exclusions are string rules: other leaf types are never excluded.
  if (typeof value !== 'string') return true;
  if (typeof excluded === 'string') return !excludes(op, excluded, value);
  for (const text of excluded) {
    if (typeof text === 'string' && excludes(op, text, value)) return false;
  }
  return true;
}

function allWildcardsValid(texts: unknown): boolean {
  if (typeof texts === 'string') return parseWildcard(texts).ok;
  if (!Array.isArray(texts)) return false;
  for (const text of texts) if (typeof text !== 'string' || !parseWildcard(text).ok) return false;
  return true;
}

function excludes(
  op: 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard',
  text: string,
  value: string,
): boolean {
  switch (op) {
    case 'prefix':
      return value.startsWith(text);
    case 'suffix':
      return value.endsWith(text);
    case 'equals-ignore-case':
      return equalsIgnoreCase(value, text);
    case 'wildcard':
      return wildcardTest(text, value);
  }
}
