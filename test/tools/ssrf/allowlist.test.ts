import { describe, expect, it } from 'vitest';
import { parseAllowedUpstreams } from '../../../server/tools/ssrf/allowlist.ts';
import { DestinationBlockedError } from '../../../server/tools/ssrf/errors.ts';
import { createSsrfPolicy } from '../../../server/tools/ssrf/policy.ts';

describe('parseAllowedUpstreams', () => {
  it('splits, trims and drops empty items', () => {
    expect(parseAllowedUpstreams(' 127.0.0.0/8, ::1/128 ,,internal.example.com , 10.0.0.5 ')).toEqual([
      '127.0.0.0/8',
      '::1/128',
      'internal.example.com',
      '10.0.0.5',
    ]);
  });

  it('treats an unset or empty variable as no exceptions', () => {
    expect(parseAllowedUpstreams(undefined)).toEqual([]);
    expect(parseAllowedUpstreams('')).toEqual([]);
  });

  it.each([
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/x',
    'host:8080',
    '*.example.com',
    'http://host/path',
    'a b',
    '300.1.2.3/8',
  ])('rejects %s with a message naming it', (entry) => {
    expect(() => parseAllowedUpstreams(`127.0.0.1, ${entry}`)).toThrow(`'${entry}'`);
  });
});

describe('createSsrfPolicy', () => {
  const policy = createSsrfPolicy(['127.0.0.0/8', 'fd00::/8', 'Internal.Example.', '2130706434']);

  it('allows addresses inside allowlisted ranges, in mapped form too', () => {
    expect(policy.isAddressAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAddressAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(policy.isAddressAllowed('fd12::1')).toBe(true);
    expect(policy.isAddressAllowed('10.0.0.1')).toBe(false);
    expect(policy.isAddressAllowed('::1')).toBe(false);
  });

  it('normalizes allowlisted hostnames and legacy IPv4 spellings', () => {
    expect(policy.isHostnameAllowlisted('internal.example.com')).toBe(false);
    expect(policy.isHostnameAllowlisted('INTERNAL.example')).toBe(true);
    expect(policy.isHostnameAllowlisted('internal.example.')).toBe(true);
  });

  it('keeps only allowed addresses of a mixed answer', () => {
    const strict = createSsrfPolicy([]);
    expect(
      strict.selectAddresses('mixed.test', [
        { address: '10.0.0.1', family: 4 },
        { address: '8.8.8.8', family: 4 },
        { address: '::1', family: 6 },
      ]),
    ).toEqual([{ address: '8.8.8.8', family: 4 }]);
    expect(() => strict.selectAddresses('private.test', [{ address: '192.168.1.1', family: 4 }])).toThrow(
      DestinationBlockedError,
    );
  });

  it('exempts the addresses of an allowlisted hostname', () => {
    expect(policy.selectAddresses('internal.example', [{ address: '10.9.8.7', family: 4 }])).toEqual([
      { address: '10.9.8.7', family: 4 },
    ]);
  });

  it('explains blocked destinations and how to allow them', () => {
    const strict = createSsrfPolicy([]);
    expect(() => strict.assertUrlAllowed(new URL('http://10.0.0.1/'))).toThrow(
      "Destination '10.0.0.1' resolves to a non-public address; operators can allow it with ALLOWED_UPSTREAM_HOSTS",
    );
    expect(() => strict.assertUrlAllowed(new URL('http://metadata.google.internal/'))).toThrow(
      'cloud metadata service',
    );
    expect(() => strict.assertUrlAllowed(new URL('ftp://example.com/'))).toThrow('Only http: and https:');
    expect(() => strict.assertUrlAllowed(new URL('https://user:pw@example.com/'))).toThrow(
      'embedded user names',
    );
    expect(() => strict.assertUrlAllowed(new URL('https://example.com/'))).not.toThrow();
  });

  it('lets an operator allow a metadata hostname explicitly', () => {
    expect(() =>
      createSsrfPolicy(['metadata.google.internal']).assertHostAllowed('metadata.google.internal.'),
    ).not.toThrow();
    expect(() => createSsrfPolicy(['169.254.0.0/16']).assertHostAllowed('metadata.google.internal')).toThrow(
      DestinationBlockedError,
    );
  });
});
