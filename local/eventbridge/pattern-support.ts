// Value-level helpers shared by the event-pattern matcher (pattern.ts) and its validator
// (pattern-validate.ts): wildcard programs, IP/CIDR parsing, numeric limits. Parsed wildcard and CIDR
// operands and pattern-side IP literals are cached by their string, so matching never rebuilds them.

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The only key of a one-key object, or undefined when it has zero or several keys. */
export function singleKey(obj: JsonObject): string | undefined {
  let found: string | undefined;
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}

/** Defines an own enumerable property, even for keys such as `__proto__`. */
export function setOwn(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------------
// Bounded string-keyed cache (patterns are few; this only guards against unbounded growth).

const CACHE_LIMIT = 2000;

function cached<T>(cache: Map<string, T>, key: string, make: (key: string) => T): T {
  const hit = cache.get(key);
  if (hit !== undefined || cache.has(key)) return hit as T;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const made = make(key);
  cache.set(key, made);
  return made;
}

// ---------------------------------------------------------------------------------------------------
// Numbers. EventBridge compares numbers numerically within -5.0e9..+5.0e9, with six digits after the
// decimal point; numeric operands outside that are rejected when the rule is created.

export const NUMERIC_LIMIT = 5e9;
export const NUMERIC_MAX_DECIMALS = 6;

/** Digits after the decimal point in the shortest decimal form of a finite number. */
export function decimalPlaces(n: number): number {
  const text = String(Math.abs(n));
  const e = text.indexOf('e');
  const mantissa = e === -1 ? text : text.slice(0, e);
  const exponent = e === -1 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const fraction = dot === -1 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, fraction - exponent);
}

/** Why a number cannot be a numeric-comparison operand, or undefined when it can. */
export function numericOperandProblem(n: unknown): string | undefined {
  if (typeof n !== 'number' || !Number.isFinite(n)) return 'must be a number';
  if (n < -NUMERIC_LIMIT || n > NUMERIC_LIMIT) return 'numbers must be between -5e9 and 5e9 inclusive';
  if (decimalPlaces(n) > NUMERIC_MAX_DECIMALS)
    return 'numbers may have at most 6 digits after the decimal point';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Wildcards: `*` matches any run of characters (including none); `\*` is a literal asterisk and `\\` a
// literal backslash; any other escape, and two consecutive `*`, are invalid.

/** The literal runs between unescaped `*`s; a pattern without `*` has exactly one segment. */
export interface WildcardProgram {
  readonly segments: readonly string[];
}

export type WildcardParse = { ok: true; program: WildcardProgram } | { ok: false; error: string };

function parseWildcardUncached(text: string): WildcardParse {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '*') {
      if (text[i + 1] === '*')
        return { ok: false, error: `consecutive wildcard characters at position ${i}` };
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\')
        return { ok: false, error: `invalid escape character at position ${i}` };
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { ok: true, program: { segments } };
}

const wildcardCache = new Map<string, WildcardParse>();

export function parseWildcard(text: string): WildcardParse {
  return cached(wildcardCache, text, parseWildcardUncached);
}

export function wildcardMatches(program: WildcardProgram, value: string): boolean {
  const { segments } = program;
  const last = segments.length - 1;
  const head = segments[0] as string;
  if (last === 0) return value === head;
  const tail = segments[last] as string;
  if (value.length < head.length + tail.length) return false;
  if (!value.startsWith(head) || !value.endsWith(tail)) return false;
  // Middle segments: leftmost-first placement is optimal when the only metacharacter is `*`.
  let pos = head.length;
  const end = value.length - tail.length;
  for (let i = 1; i < last; i++) {
    const segment = segments[i] as string;
    if (segment === '') continue;
    const at = value.indexOf(segment, pos);
    if (at === -1 || at + segment.length > end) return false;
    pos = at + segment.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Case-insensitive comparisons. Both the lower- and the upper-case foldings are tried, so that
// context-dependent mappings (Greek final sigma) still compare equal.

export function equalsIgnoreCase(value: string, expected: string): boolean {
  if (value === expected) return true;
  return value.toLowerCase() === expected.toLowerCase() || value.toUpperCase() === expected.toUpperCase();
}

export function startsWithIgnoreCase(value: string, prefix: string): boolean {
  return (
    value.toLowerCase().startsWith(prefix.toLowerCase()) ||
    value.toUpperCase().startsWith(prefix.toUpperCase())
  );
}

export function endsWithIgnoreCase(value: string, suffix: string): boolean {
  return (
    value.toLowerCase().endsWith(suffix.toLowerCase()) || value.toUpperCase().endsWith(suffix.toUpperCase())
  );
}

// ---------------------------------------------------------------------------------------------------
// IP addresses. A string is an IP literal when it is a dotted quad of decimal octets or an IPv6 address
// written with hex groups and `::` (no embedded IPv4, no zone). An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d written in hex) is the IPv4 address, as AWS treats it.

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The address bytes (4 or 16) of an IP literal, or null when the string is not one. */
export function parseIp(text: string): Uint8Array | null {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return null;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    const value = part.length > 10 ? Infinity : Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (!HEX_GROUP.test(group)) return null;
    groups.push(parseInt(group, 16));
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | null {
  const gap = text.indexOf('::');
  let groups: number[];
  if (gap === -1) {
    const all = parseGroups(text);
    if (all === null || all.length !== 8) return null;
    groups = all;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return null;
    const head = parseGroups(text.slice(0, gap));
    const tail = parseGroups(text.slice(gap + 2));
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = groups[i] as number;
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  }
  if (isIpv4Mapped(bytes)) return bytes.slice(12);
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

const patternIpCache = new Map<string, Uint8Array | null>();

/** parseIp for strings that come from patterns (cached). */
export function patternIp(text: string): Uint8Array | null {
  return cached(patternIpCache, text, parseIp);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// CIDR blocks: "address/bits" where bits is 0..31 for IPv4 and 0..127 for IPv6 (AWS rejects /32 and
// /128; match a single address with an exact string instead).

export interface CidrRange {
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

export type CidrParse = { ok: true; range: CidrRange } | { ok: false; error: string };

function parseCidrUncached(text: string): CidrParse {
  const slashed = text.split('/');
  if (slashed.length !== 2 || slashed[1] === '')
    return { ok: false, error: "malformed CIDR, one '/' required" };
  const [address, bitsText] = slashed as [string, string];
  if (!/^[+-]?[0-9]+$/.test(bitsText))
    return { ok: false, error: 'malformed CIDR, mask bits must be an integer' };
  const bits = Number(bitsText);
  if (bits < 0) return { ok: false, error: 'malformed CIDR, mask bits must not be negative' };
  const ip = parseIp(address);
  if (ip === null) return { ok: false, error: `invalid IP address: ${address}` };
  const width = ip.length * 8;
  if (bits >= width) {
    return {
      ok: false,
      error: ip.length === 4 ? 'IPv4 mask bits must be < 32' : 'IPv6 mask bits must be < 128',
    };
  }
  const low = new Uint8Array(ip.length);
  const high = new Uint8Array(ip.length);
  for (let i = 0; i < ip.length; i++) {
    const fixed = Math.min(8, Math.max(0, bits - 8 * i));
    const mask = (0xff << (8 - fixed)) & 0xff;
    low[i] = (ip[i] as number) & mask;
    high[i] = (ip[i] as number) | (~mask & 0xff);
  }
  return { ok: true, range: { low, high } };
}

const cidrCache = new Map<string, CidrParse>();

export function parseCidr(text: string): CidrParse {
  return cached(cidrCache, text, parseCidrUncached);
}

export function ipInRange(ip: Uint8Array, range: CidrRange): boolean {
  return (
    ip.length === range.low.length && compareBytes(ip, range.low) >= 0 && compareBytes(ip, range.high) <= 0
  );
}

// ---------------------------------------------------------------------------------------------------
// Names.

export const OR_KEY = '$or';

/** Field names that may not appear inside a `$or` branch (operator names and reserved words). */
export const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);
