import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '#shared/kernel/errors.js';
import {
  checkConnectAddress,
  checkWebhookTarget,
  forbiddenAddressReason,
  maskedTarget,
  TargetRefusedError,
} from '#services/notifier/src/domain/target-check.js';
import type { TargetPolicy } from '#services/notifier/src/domain/ports.js';

const publicDns: TargetPolicy = { allowLoopback: false, resolve: async () => ['93.184.215.14'] };
const resolvesTo = (...addresses: string[]): TargetPolicy => ({
  allowLoopback: false,
  resolve: async () => addresses,
});

async function refusal(url: string, policy: TargetPolicy = publicDns): Promise<string> {
  try {
    await checkWebhookTarget(url, policy);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('url');
    return issues[0]!.message;
  }
  throw new Error(`${url} was accepted`);
}

describe('webhook target check', () => {
  it('accepts an https URL whose host resolves to public addresses only', async () => {
    await expect(
      checkWebhookTarget('https://hooks.example.org/gcr?token=x', publicDns),
    ).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['http://hooks.example.org/x', 'must use https'],
    ['ftp://hooks.example.org/x', 'must use https'],
    ['not a url', 'is not an absolute URL'],
    ['https://user:pw@hooks.example.org/x', 'must not carry credentials'],
    ['https://169.254.169.254/latest/meta-data/', 'link-local (the instance metadata service'],
    ['https://[fd00:ec2::254]/latest', 'unique local'],
    ['https://127.0.0.1/x', 'loopback'],
    ['https://localhost/x', 'loopback'],
    ['https://[::1]/x', 'loopback'],
    ['https://10.1.2.3/x', 'private'],
    ['https://172.20.0.1/x', 'private'],
    ['https://192.168.1.1/x', 'private'],
    ['https://[::ffff:10.0.0.1]/x', 'private'],
    ['https://[fe80::1]/x', 'link-local'],
    ['https://0.0.0.0/x', 'not a routable'],
  ])('refuses %s (400 on url: %s)', async (url, words) => {
    expect(await refusal(url, { ...publicDns, resolve: async () => ['127.0.0.1'] })).toContain(words);
  });

  it('refuses a public name that resolves to a private or metadata address, among public ones too', async () => {
    expect(
      await refusal('https://rebind.example.org/x', resolvesTo('93.184.215.14', '169.254.169.254')),
    ).toContain('resolves to 169.254.169.254');
    expect(await refusal('https://internal.example.org/x', resolvesTo('10.0.0.8'))).toContain('private');
    expect(
      await refusal('https://nowhere.example.org/x', {
        allowLoopback: false,
        resolve: async () => {
          throw new Error('ENOTFOUND');
        },
      }),
    ).toContain('does not resolve');
  });

  it('allows http and loopback receivers only when the policy says so (the local platform), and nothing else private', async () => {
    const local: TargetPolicy = { allowLoopback: true, resolve: async () => ['10.0.0.1'] };
    await expect(checkWebhookTarget('http://127.0.0.1:9999/hooks', local)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://localhost:9999/hooks', local)).resolves.toBeInstanceOf(URL);
    expect(await refusal('http://10.0.0.1/hooks', local)).toContain('https');
    expect(await refusal('https://169.254.169.254/', local)).toContain('link-local');
    expect(await refusal('https://internal.example.org/', local)).toContain('private');
  });

  it('checks the addresses a connection uses at delivery (DNS may have changed)', () => {
    expect(() => checkConnectAddress('169.254.169.254', false)).toThrow(TargetRefusedError);
    expect(() => checkConnectAddress('127.0.0.1', false)).toThrow(TargetRefusedError);
    expect(() => checkConnectAddress('127.0.0.1', true)).not.toThrow();
    expect(() => checkConnectAddress('10.0.0.1', true)).toThrow(TargetRefusedError);
    expect(() => checkConnectAddress('93.184.215.14', false)).not.toThrow();
  });

  it('names why an address is forbidden, and lets public unicast through', () => {
    expect(forbiddenAddressReason('100.64.0.1')).toContain('carrier-grade');
    expect(forbiddenAddressReason('224.0.0.1')).toContain('multicast');
    expect(forbiddenAddressReason('64:ff9b::a00:1')).toContain('NAT64');
    expect(forbiddenAddressReason('2606:4700::1111')).toBeUndefined();
    expect(forbiddenAddressReason('8.8.8.8')).toBeUndefined();
  });

  it('masks query strings and credentials when showing a target', () => {
    expect(maskedTarget('https://u:p@hooks.example.org/a/b?token=secret')).toBe(
      'https://hooks.example.org/a/b?…',
    );
  });
});
