/**
 * The fast path's allocation-free SHA-256 (reference/vm/fast/sha256.ts) equals @noble/hashes, the
 * reference handler's (VM-PRE-SHA256): every length across the padding edges (55, 56, 63, 64, 119, 120,
 * 128 …), at any offset of a larger array, with the digest written over its own input, and the FIPS
 * 180-2 example vectors.
 */
import test from 'ava';
import fc from 'fast-check';
import { sha256 } from '../../reference/lib/hash.ts';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { sha256Into } from '../../reference/vm/fast/sha256.ts';

const digestOf = (msg: Uint8Array): string => {
  const out = new Uint8Array(32);
  sha256Into(msg, 0, msg.length, out, 0);
  return bytesToHex(out);
};

test('VM-PRE-SHA256 the fast SHA-256 gives the FIPS 180-2 example digests', (t) => {
  const enc = new TextEncoder();
  t.is(digestOf(enc.encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.is(digestOf(new Uint8Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.is(digestOf(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('VM-PRE-SHA256 the fast SHA-256 equals @noble/hashes on every length up to 300 and at any offset', (t) => {
  for (let len = 0; len <= 300; len++) {
    const msg = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
    t.is(digestOf(msg), bytesToHex(sha256(msg)), `length ${len}`);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(40), fc.nat(40), (msg, pre, post) => {
      const big = new Uint8Array(pre + msg.length + post + 32);
      big.set(msg, pre);
      const out = new Uint8Array(big.length);
      sha256Into(big, pre, msg.length, out, post);
      // the digest over its own input (the instruction may write where it read)
      sha256Into(big, pre, msg.length, big, pre);
      const want = bytesToHex(sha256(msg));
      return bytesToHex(out.subarray(post, post + 32)) === want && bytesToHex(big.subarray(pre, pre + 32)) === want;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
