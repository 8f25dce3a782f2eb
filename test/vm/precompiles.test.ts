/**
 * Hash precompiles (spec/curvevm.md §9, VM-PRE-*): sha256 and keccak256 against published vectors,
 * Poseidon against circomlib's vector, MERKLE_VERIFY with proofs from reference/lib/merkle.ts; their
 * dynamic gas, argument checks and memory bounds.
 */
import test from 'ava';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { leafHash, merkleProof, merkleRoot } from '../../reference/lib/merkle.ts';
import { bigToBytesBE, readUintLE } from '../../reference/lib/u128.ts';
import * as G from '../../reference/vm/gas.ts';
import { BN254_R, poseidon } from '../../reference/vm/precompiles.ts';
import { runBody } from './helpers.ts';

const hex = (b: Uint8Array): string => '0x' + bytesToHex(b);
/** Read 32 bytes of memory at `at` as two little-endian words, then back into bytes. */
const read32 = (at: number): string => `PUSH ${at}\nMLOAD\nPUSH ${at + 16}\nMLOAD\nRET`;
const wordsToBytes = (lo: bigint, hi: bigint): string => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    out[i] = Number((lo >> BigInt(8 * i)) & 0xffn);
    out[16 + i] = Number((hi >> BigInt(8 * i)) & 0xffn);
  }
  return bytesToHex(out);
};
const digestOf = (op: string, data: string, len: number): { digest: string; gas: number | undefined } => {
  const r = runBody(`PUSH 0\nPUSH ${len}\nPUSH 512\n${op}\n${read32(512)}`, { results: 2, head: data ? `.data 0 ${data}` : '', trace: true });
  t0(r.status === 'ok', `${op} failed: ${r.halt}`);
  return { digest: wordsToBytes(r.results[0] as bigint, r.results[1] as bigint), gas: r.trace?.find((s) => s.op === op)?.gasCost };
};
function t0(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

test('VM-PRE-SHA256 matches the FIPS 180-2 vectors and charges per 32-byte word', (t) => {
  const abc = digestOf('SHA256', '"abc"', 3);
  t.is(abc.digest, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.is(abc.gas, G.G_SHA256 + G.G_SHA256_WORD);
  const empty = digestOf('SHA256', '', 0);
  t.is(empty.digest, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.is(empty.gas, G.G_SHA256);
  t.is(digestOf('SHA256', '', 33).gas, G.G_SHA256 + 2 * G.G_SHA256_WORD);
});

test('VM-PRE-KECCAK256 matches the Keccak-256 vectors (not SHA3-256) and charges per word', (t) => {
  const empty = digestOf('KECCAK256', '', 0);
  t.is(empty.digest, 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  const abc = digestOf('KECCAK256', '"abc"', 3);
  t.is(abc.digest, '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  t.is(digestOf('KECCAK256', '', 64).gas, G.G_KECCAK256 + 2 * G.G_KECCAK256_WORD);
});

test('VM-PRE hash bounds: length, input and output ranges trap memory_oob', (t) => {
  t.is(runBody('PUSH 0\nPUSH 65537\nPUSH 0\nSHA256\nPUSH 0\nRET').halt, 'memory_oob');
  t.is(runBody('PUSH 65530\nPUSH 10\nPUSH 0\nSHA256\nPUSH 0\nRET').halt, 'memory_oob');
  t.is(runBody('PUSH 0\nPUSH 10\nPUSH 65505\nKECCAK256\nPUSH 0\nRET').halt, 'memory_oob');
  t.is(runBody('PUSH 0\nPUSH 10\nPUSH 65504\nKECCAK256\nPUSH 0\nRET').status, 'ok');
});

const POSEIDON_1_2 = 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an;

test('VM-PRE-POSEIDON poseidon([1, 2]) is circomlib’s vector, inputs and output big-endian', (t) => {
  t.is(poseidon([1n, 2n]), POSEIDON_1_2);
  const data = hex(new Uint8Array([...bigToBytesBE(1n, 32), ...bigToBytesBE(2n, 32)]));
  const r = runBody(`PUSH 0\nPUSH 2\nPUSH 64\nPOSEIDON\n${read32(64)}`, { results: 2, head: `.data 0 ${data}`, trace: true });
  t.is(wordsToBytes(r.results[0] as bigint, r.results[1] as bigint), bytesToHex(bigToBytesBE(POSEIDON_1_2, 32)));
  t.is(r.trace?.find((s) => s.op === 'POSEIDON')?.gasCost, G.G_POSEIDON + 2 * G.G_POSEIDON_INPUT);
});

test('VM-PRE-POSEIDON-001 arity outside 1..16 traps invalid_argument', (t) => {
  for (const n of [0n, 17n, 1n << 100n]) t.is(runBody(`PUSH 0\nPUSH 0x${n.toString(16)}\nPUSH 0\nPOSEIDON\nPUSH 0\nRET`).halt, 'invalid_argument', String(n));
  t.is(runBody('PUSH 0\nPUSH 16\nPUSH 0\nPOSEIDON\nPUSH 0\nRET', { gasLimit: 100_000 }).status, 'ok');
  t.is(poseidon([]), undefined);
});

test('VM-PRE-POSEIDON-002 an input not below the BN254 modulus traps invalid_argument', (t) => {
  const data = hex(bigToBytesBE(BN254_R, 32));
  t.is(runBody(`PUSH 0\nPUSH 1\nPUSH 64\nPOSEIDON\nPUSH 0\nRET`, { head: `.data 0 ${data}` }).halt, 'invalid_argument');
  const below = hex(bigToBytesBE(BN254_R - 1n, 32));
  t.is(runBody(`PUSH 0\nPUSH 1\nPUSH 64\nPOSEIDON\nPUSH 0\nRET`, { head: `.data 0 ${below}` }).status, 'ok');
  t.is(runBody('PUSH 65500\nPUSH 2\nPUSH 0\nPOSEIDON\nPUSH 0\nRET').halt, 'memory_oob');
});

/** A tree of `n` leaves; root at 0, leaf at 32, path at 64. */
function merkleCase(n: number, pos: number): { data: string; depth: number; index: bigint } {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`k${i}`), Uint8Array.of(i)));
  const root = merkleRoot(leaves);
  const proof = merkleProof(leaves, pos);
  const bytes = new Uint8Array(64 + 32 * proof.siblings.length);
  bytes.set(root, 0);
  bytes.set(leaves[pos] as Uint8Array, 32);
  proof.siblings.forEach((s, i) => bytes.set(s, 64 + 32 * i));
  return { data: hex(bytes), depth: proof.siblings.length, index: proof.index };
}
const verify = (c: { data: string; depth: number; index: bigint }, index = c.index, depth = c.depth) =>
  runBody(`PUSH 0\nPUSH 32\nPUSH 64\nPUSH ${depth}\nPUSH 0x${index.toString(16)}\nMERKLE_VERIFY\nRET`, { head: `.data 0 ${c.data}`, trace: true });

test('VM-PRE-MERKLE proofs from lib/merkle verify for every leaf of odd and even trees', (t) => {
  for (const n of [1, 2, 5, 8]) {
    for (let pos = 0; pos < n; pos++) {
      const c = merkleCase(n, pos);
      const r = verify(c);
      t.deepEqual(r.results, [1n], `n=${n} pos=${pos}`);
      t.is(r.trace?.find((s) => s.op === 'MERKLE_VERIFY')?.gasCost, G.G_MERKLE + c.depth * G.G_MERKLE_LEVEL);
    }
  }
});

test('VM-PRE-MERKLE a wrong index, depth or sibling gives 0', (t) => {
  const c = merkleCase(5, 2);
  t.deepEqual(verify(c, c.index ^ 1n).results, [0n]);
  t.deepEqual(verify(c, c.index, c.depth - 1).results, [0n]);
  const tampered = { ...c, data: c.data.slice(0, -2) + (c.data.endsWith('00') ? '01' : '00') };
  t.deepEqual(verify(tampered).results, [0n]);
});

test('VM-PRE-MERKLE depth over 64 traps invalid_argument; a path outside memory traps memory_oob', (t) => {
  const c = merkleCase(2, 0);
  t.is(verify(c, 0n, 65).halt, 'invalid_argument');
  t.is(runBody('PUSH 0\nPUSH 32\nPUSH 65504\nPUSH 2\nPUSH 0\nMERKLE_VERIFY\nRET').halt, 'memory_oob');
  t.is(runBody('PUSH 65510\nPUSH 32\nPUSH 64\nPUSH 0\nPUSH 0\nMERKLE_VERIFY\nRET').halt, 'memory_oob');
});

test('readUintLE of a digest equals the MLOAD view (sanity of the helpers above)', (t) => {
  const d = new Uint8Array(32).map((_, i) => i);
  t.is(wordsToBytes(readUintLE(d, 0, 16), readUintLE(d, 16, 16)), bytesToHex(d));
});
