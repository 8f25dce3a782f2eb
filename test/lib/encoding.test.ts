/**
 * Byte codecs, hex, hashing wrappers and typed errors (lib/bytes, lib/hex, lib/hash, lib/errors).
 */
import test from 'ava';
import fc from 'fast-check';
import { ByteReader, ByteWriter, ReadPastEnd } from '../../reference/lib/bytes.ts';
import { AsmError, CurveError, ModuleFormatError, UsageError, ValidationError, assert } from '../../reference/lib/errors.ts';
import { concatBytes, id128, keccak256, sha256Hex, utf8Bytes } from '../../reference/lib/hash.ts';
import { bigFromJson, bigToJson, bytesEqual, bytesToHex, hexToBytes } from '../../reference/lib/hex.ts';

test('property: ByteWriter/ByteReader round-trip u8, u16, u32, uint and bytes across buffer growth', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.uint8Array({ maxLength: 300 }))), (items) => {
      const w = new ByteWriter();
      for (const [a, b, c, d, e] of items) w.u8(a).u16(b).u32(c).uint(d, 16).bytes(e);
      const r = new ByteReader(w.finish());
      const ok = items.every(([a, b, c, d, e]) => r.u8() === a && r.u16() === b && r.u32() === c && r.uint(16) === d && bytesEqual(r.take(e.length), e));
      return ok && r.remaining() === 0;
    }),
    { numRuns: 50 },
  );
  t.is(new ByteWriter().u8(1).length, 1);
});

test('ByteReader throws ReadPastEnd with the offset and the bytes wanted', (t) => {
  const r = new ByteReader(Uint8Array.of(1, 2, 3), 1, 3);
  r.u8();
  const e = t.throws(() => r.u32(), { instanceOf: ReadPastEnd });
  t.is(e?.offset, 2);
  t.is(e?.wanted, 4);
  t.throws(() => new ByteReader(new Uint8Array(0)).uint(1), { instanceOf: ReadPastEnd });
});

test('hex: round-trip, 0x prefix, odd length and bad digits are RangeErrors; JSON words', (t) => {
  fc.assert(fc.property(fc.uint8Array(), (b) => bytesEqual(hexToBytes(bytesToHex(b)), b) && bytesEqual(hexToBytes('0x' + bytesToHex(b)), b)));
  t.throws(() => hexToBytes('abc'), { instanceOf: RangeError });
  t.throws(() => hexToBytes('zz'), { instanceOf: RangeError });
  t.is(bigToJson(0n), '0x0');
  t.is(bigToJson(255n), '0xff');
  t.is(bigFromJson('0xff'), 255n);
  t.is(bigFromJson('-12'), -12n);
  t.throws(() => bigFromJson('1.5'), { instanceOf: RangeError });
  t.false(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 2)));
  t.false(bytesEqual(Uint8Array.of(1), Uint8Array.of(2)));
});

test('hash wrappers: sha256Hex, keccak256, id128, concatBytes, utf8Bytes', (t) => {
  t.is(sha256Hex(utf8Bytes('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.is(bytesToHex(keccak256(new Uint8Array(0))), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  t.is(id128(utf8Bytes('abc')), BigInt('0x' + 'ba7816bf8f01cfea414140de5dae2223'.match(/../g)?.reverse().join('')));
  t.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
});

test('typed errors render one line with their location and code', (t) => {
  t.is(new ModuleFormatError('VM-MOD-001', 'bad magic', 3, 'a.cvm').oneLine(), 'a.cvm:byte 3: error VM-MOD-001: bad magic');
  t.is(new ValidationError('VM-VAL-OP-001', 'x', 9).oneLine(), 'byte 9: error VM-VAL-OP-001: x');
  t.is(new AsmError('oops', 'f.casm', 2, 5).oneLine(), 'f.casm:2:5: error ASM: oops');
  t.is(new UsageError('bad').oneLine(), 'error USAGE: bad');
  t.is(new CurveError('C1', 'm').name, 'CurveError');
  t.is(new UsageError('bad').name, 'UsageError');
  t.throws(() => assert(false, 'broken'), { message: 'internal assertion failed: broken' });
  t.notThrows(() => assert(1, 'fine'));
});
