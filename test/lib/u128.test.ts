/**
 * u128/i128 helpers (spec/curvevm.md §1, VM-WORD-*): two's-complement views, wrapping, exact mulDiv with
 * both roundings, little-endian and big-endian byte codecs; properties against plain BigInt math.
 */
import test from 'ava';
import fc from 'fast-check';
import {
  I128_MAX, I128_MIN, U128_MAX, U64_MAX, bigToBytesBE, bytesToBigBE, fromSigned, isU128, mulDiv, readUintLE, toSigned, wordToBytesLE, wrap, writeUintLE,
} from '../../reference/lib/u128.ts';

const word = fc.bigInt({ min: 0n, max: U128_MAX });
const i128 = fc.bigInt({ min: I128_MIN, max: I128_MAX });

test('VM-WORD-001 bounds and isU128', (t) => {
  t.is(U128_MAX, 2n ** 128n - 1n);
  t.is(U64_MAX, 2n ** 64n - 1n);
  t.true(isU128(0n) && isU128(U128_MAX));
  t.false(isU128(-1n) || isU128(U128_MAX + 1n));
});

test('VM-WORD-002 toSigned/fromSigned at the edges', (t) => {
  t.is(toSigned(U128_MAX), -1n);
  t.is(toSigned(1n << 127n), I128_MIN);
  t.is(toSigned(I128_MAX), I128_MAX);
  t.is(fromSigned(-1n), U128_MAX);
  t.is(fromSigned(I128_MIN), 1n << 127n);
});

test('property VM-WORD-002: fromSigned ∘ toSigned and toSigned ∘ fromSigned are identities', (t) => {
  fc.assert(fc.property(word, (w) => fromSigned(toSigned(w)) === w));
  fc.assert(fc.property(i128, (x) => toSigned(fromSigned(x)) === x));
  t.pass();
});

test('property VM-WORD-003: wrap is reduction modulo 2^128', (t) => {
  fc.assert(fc.property(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), (x) => wrap(x) === (((x % (1n << 128n)) + (1n << 128n)) % (1n << 128n))));
  t.is(wrap(-1n), U128_MAX);
});

test('VM-OP-MULDIV mulDiv: exact, both roundings, undefined on d = 0 or overflow', (t) => {
  t.is(mulDiv(7n, 3n, 2n, 'down'), 10n);
  t.is(mulDiv(7n, 3n, 2n, 'up'), 11n);
  t.is(mulDiv(6n, 3n, 2n, 'up'), 9n);
  t.is(mulDiv(1n, 1n, 0n, 'down'), undefined);
  t.is(mulDiv(U128_MAX, 2n, 1n, 'down'), undefined);
  t.is(mulDiv(U128_MAX, U128_MAX, U128_MAX, 'up'), U128_MAX);
});

test('property VM-OP-MULDIV: floor ≤ a·b/d ≤ ceil, and they differ by the remainder test', (t) => {
  fc.assert(
    fc.property(word, word, word.filter((d) => d > 0n), (a, b, d) => {
      const lo = mulDiv(a, b, d, 'down');
      const hi = mulDiv(a, b, d, 'up');
      const p = a * b;
      if (p / d > U128_MAX) return lo === undefined;
      if (lo === undefined || lo * d > p || (lo + 1n) * d <= p) return false;
      const exact = p % d === 0n;
      return exact ? hi === lo : hi === (lo + 1n > U128_MAX ? undefined : lo + 1n);
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('property: little-endian and big-endian codecs round-trip', (t) => {
  fc.assert(fc.property(word, (w) => readUintLE(wordToBytesLE(w), 0, 16) === w));
  fc.assert(fc.property(word, (w) => bytesToBigBE(bigToBytesBE(w, 16)) === w));
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), word, (n, w) => {
      const b = new Uint8Array(20);
      writeUintLE(b, 2, n, w);
      return readUintLE(b, 2, n) === w % (1n << BigInt(8 * n));
    }),
  );
  t.is(readUintLE(Uint8Array.of(1), 0, 2), 1n, 'missing bytes read as 0');
  t.deepEqual(Array.from(wordToBytesLE(0x0102n)).slice(0, 3), [2, 1, 0]);
  t.deepEqual(Array.from(bigToBytesBE(0x0102n, 3)), [0, 1, 2]);
});
