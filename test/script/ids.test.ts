/**
 * Deterministic ids (spec/curvescript.md §8, CS-ID-*): each id is recomputed here from the byte layout
 * the spec gives, independently of reference/script/ids.ts, and compared.
 */
import test from 'ava';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { commitment, encodeDescriptor, holdId, nameId, objectId, routeId } from '../../reference/script/ids.ts';

const enc = new TextEncoder();
const str = (s: string): number[] => {
  const b = [...enc.encode(s)];
  return [b.length & 0xff, b.length >> 8, ...b];
};
const le = (x: bigint, n: number): number[] => Array.from({ length: n }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));
const low128 = (d: Uint8Array): bigint => d.slice(0, 16).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
const hex = (d: Uint8Array): string => [...d].map((b) => b.toString(16).padStart(2, '0')).join('');

test('CS-ID-001: the descriptor encoding is tag, kind, name, directives with typed values, byte for byte', (t) => {
  const d = {
    kind: 'ORACLE' as const,
    name: 'pyth:X',
    directives: [
      { name: 'HEARTBEAT', args: [{ key: 'ms', value: 400n }, { key: 'ok', value: true }] },
      { name: 'FAILOVER', args: [{ key: 'feeds', value: ['a', 'b'] }, { key: 's', value: 'z' }] },
    ],
  };
  const bytes = [
    ...str('CURVE/descriptor/v1'), 3, ...str('pyth:X'), 2, 0,
    ...str('HEARTBEAT'), 2, ...str('ms'), 1, ...le(400n, 16), ...str('ok'), 2, 1,
    ...str('FAILOVER'), 2, ...str('feeds'), 4, 2, 0, ...str('a'), ...str('b'), ...str('s'), 3, ...str('z'),
  ];
  t.deepEqual([...encodeDescriptor(d)], bytes);
  t.is(objectId(d), hex(nobleSha256(Uint8Array.from(bytes))));
});

test('CS-ID-002..004: name_id, route_id and hold_id are the low 128 bits (little-endian) of tagged sha256', (t) => {
  t.is(nameId('pyth:SOLUSD'), low128(nobleSha256(Uint8Array.from([...str('CURVE/name/v1'), ...str('pyth:SOLUSD')]))));
  t.is(routeId(7n, 9n), low128(nobleSha256(Uint8Array.from([...str('CURVE/route/v1'), ...le(7n, 16), ...le(9n, 8)]))));
  t.is(holdId(1n, 2n, 3n), low128(nobleSha256(Uint8Array.from([...str('CURVE/hold/v1'), ...le(1n, 16), ...le(2n, 16), ...le(3n, 8)]))));
  t.not(routeId(7n, 9n), routeId(7n, 10n));
  t.not(holdId(1n, 2n, 3n), holdId(2n, 1n, 3n));
});

test('CS-ID-005 (M6): the commitment binds route, instrument, side, qty, limit and a 32-byte salt', (t) => {
  const salt = new Uint8Array(32).fill(5);
  const expected = nobleSha256(Uint8Array.from([...str('CURVE/commit/v1'), ...le(1n, 16), ...le(2n, 8), 1, ...le(3n, 16), ...le(4n, 16), ...salt]));
  t.deepEqual(commitment(1n, 2n, 1n, 3n, 4n, salt), expected);
  t.notDeepEqual(commitment(1n, 2n, 0n, 3n, 4n, salt), expected);
  t.throws(() => commitment(1n, 2n, 1n, 3n, 4n, new Uint8Array(31)), { message: /32 bytes/ });
});
