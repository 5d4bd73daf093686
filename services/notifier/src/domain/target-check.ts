/**
 * Webhook targets are checked, not trusted: https only, and never an address
 * inside the platform's network (private, loopback, link-local, the instance
 * metadata service above all). Checked when a subscription is made and again
 * at every delivery, on the very addresses the connection uses (DNS can change
 * between the two: adapters/https-poster.ts checks inside its lookup).
 */
import { isIP } from 'node:net';
import { ValidationError } from '#shared/kernel/errors.js';
import type { TargetPolicy } from './ports.js';

/** A target refused at delivery: never retried (the subscription has to change). */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain']);

function ipv4Octets(address: string): number[] {
  return address.split('.').map(Number);
}

/** Why this address may not be a target, or undefined when it may (public unicast). */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) {
    const [a = 0, b = 0] = ipv4Octets(address);
    if (a === 169 && b === 254) return 'is link-local (the instance metadata service lives there)';
    if (a === 127) return 'is a loopback address';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168))
      return 'is a private address';
    if (a === 100 && b >= 64 && b <= 127) return 'is a shared (carrier-grade NAT) address';
    if (a === 0) return 'is not a routable address';
    if (a >= 224) return 'is a multicast or reserved address';
    if (a === 192 && b === 0 && ipv4Octets(address)[2] === 0) return 'is a reserved address';
    if (a === 198 && (b === 18 || b === 19)) return 'is a benchmarking address';
    return undefined;
  }
  if (family === 6) {
    const groups = ipv6Groups(address);
    // IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:a00:1) and IPv4-compatible addresses reach IPv4.
    if (
      groups.slice(0, 5).every((g) => g === 0) &&
      (groups[5] === 0xffff || groups[5] === 0) &&
      groups[6]! > 0
    ) {
      return forbiddenAddressReason(
        [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.'),
      );
    }
    if (groups.slice(0, 7).every((g) => g === 0)) {
      return groups[7] === 1 ? 'is a loopback address' : 'is not a routable address';
    }
    const first = groups[0]!;
    if ((first & 0xffc0) === 0xfe80) return 'is link-local';
    if ((first & 0xfe00) === 0xfc00)
      return 'is a private (unique local) address, fd00:ec2::254 the metadata service among them';
    if ((first & 0xff00) === 0xff00) return 'is a multicast address';
    if (first === 0x64 && groups[1] === 0xff9b) return 'is a NAT64 address (it can reach private IPv4)';
    return undefined;
  }
  return 'is not an IP address';
}

/** The eight 16-bit groups of an IPv6 address (with `::` expanded and a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export function isLoopbackAddress(address: string): boolean {
  const lower = address.toLowerCase();
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) !== 6) return false;
  const groups = ipv6Groups(lower);
  return (
    (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) ||
    (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff && groups[6]! >> 8 === 127)
  );
}

/** Throws a ValidationError on `field` when this URL may not be a webhook target. */
export async function checkWebhookTarget(rawUrl: string, policy: TargetPolicy, field = 'url'): Promise<URL> {
  const refuse = (message: string): never => {
    throw new ValidationError(`the webhook URL is refused: it ${message}`, [{ field, message }]);
  };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse('is not an absolute URL');
  }
  if (url.username || url.password) refuse('must not carry credentials (user:password@)');
  if (url.hash) refuse('must not have a #fragment');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopbackHost =
    LOOPBACK_NAMES.has(host.toLowerCase()) || (isIP(host) !== 0 && isLoopbackAddress(host));
  const allowedLoopback = policy.allowLoopback && loopbackHost;
  if (url.protocol !== 'https:' && !(allowedLoopback && url.protocol === 'http:')) refuse('must use https');
  if (allowedLoopback) return url;
  const addresses = isIP(host) !== 0 ? [host] : await resolveOrRefuse(host, policy, refuse);
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) refuse(`resolves to ${address}, which ${reason}`);
  }
  return url;
}

async function resolveOrRefuse(
  host: string,
  policy: TargetPolicy,
  refuse: (message: string) => never,
): Promise<string[]> {
  try {
    const addresses = await policy.resolve(host);
    if (addresses.length === 0) refuse(`names a host (${host}) with no address`);
    return addresses;
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    return refuse(`names a host (${host}) that does not resolve`);
  }
}

/** The address check a connection makes on what DNS answered, at delivery. */
export function checkConnectAddress(address: string, allowLoopback: boolean): void {
  if (allowLoopback && isLoopbackAddress(address)) return;
  const reason = forbiddenAddressReason(address);
  if (reason) throw new TargetRefusedError(`target address ${address} ${reason}`);
}

/** What the API shows of a target: scheme, host and path; never credentials or a query string (tokens hide there). */
export function maskedTarget(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
