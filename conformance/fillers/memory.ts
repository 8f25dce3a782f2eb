/**
 * Memory, storage and hashing vectors: loads and stores of every width at the bounds of memory and of the
 * storage segment, MSIZE/MGROW/MCOPY with the page budget, memory and storage at the 10 MiB edge, and
 * the hash precompiles (sha256, keccak256, Poseidon, Merkle verification) with their traps.
 */
import { sha256 } from '../../reference/lib/hash.ts';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { leafHash, merkleProof, merkleRoot } from '../../reference/lib/merkle.ts';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { MAX_PAGES, PAGE_BYTES, SEGMENT_LIMIT_BYTES } from '../../reference/vm/module.ts';
import { BN254_R } from '../../reference/vm/precompiles.ts';
import { callVector, type CallSpec, type FillSpec, type Filler } from '../filler.ts';
import { hex, pad2, program } from './lib.ts';

const one = (id: string, description: string, covers: readonly string[], src: string, call: Partial<CallSpec> = {}): FillSpec =>
  callVector({ id, description, covers, modules: [['m', src]], calls: [{ module: 'm', ...call }] });

const WIDTH_NAME: Record<number, string> = { 16: '', 8: '64', 1: '8' };
const DATA = `.data 0 0x${'0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20'}\n.data 65520 0x${'f1'.repeat(16)}`;

function memoryAccess(): FillSpec[] {
  const v: FillSpec[] = [];
  const addrs = [0n, 1n, 7n, 65520n, 65521n, 65528n, 65529n, 65535n, 65536n, U128_MAX];
  for (const w of [16, 8, 1]) {
    const load = `MLOAD${WIDTH_NAME[w]}`;
    const store = `MSTORE${WIDTH_NAME[w]}`;
    addrs.forEach((a, i) => {
      v.push(one(`memory/${load}/addr-${pad2(i)}`, `${load} at ${hex(a)} of one page (data at 0 and 65520)`, [`VM-OP-${load}`, 'VM-MEM-003', 'VM-CONV-001', 'VM-MEM-001'], program(`LGET 0\n${load}\nRET`, { params: 1, head: DATA }), { args: [a] }));
      v.push(
        one(`memory/${store}/addr-${pad2(i)}`, `${store} of a 16-byte pattern at ${hex(a)}, read back at the same width and at 0`, [`VM-OP-${store}`, `VM-OP-${load}`, 'VM-MEM-003', 'VM-CONV-001'], program(`LGET 0\nLGET 1\n${store}\nLGET 0\n${load}\nPUSH 0\nMLOAD\nRET`, { params: 2, results: 2 }), {
          args: [a, 0xa1a2a3a4a5a6a7a8a9aaabacadaeafb0n],
        }),
      );
    });
  }
  for (const [i, pages] of [0, 1, 3].entries())
    v.push(one(`memory/MSIZE/pages-${i}`, `MSIZE of a module with ${pages} initial page(s)`, ['VM-OP-MSIZE', 'VM-MEM-001'], program('MSIZE\nRET', { memory: `initial=${pages} max=3 storage=0` }), { check: { results: [BigInt(pages * PAGE_BYTES)] } }));
  // MGROW against max_pages (4) and the call's page grant.
  const grow = program('LGET 0\nMGROW\nMSIZE\nRET', { params: 1, results: 2, memory: 'initial=1 max=4 storage=0' });
  for (const [i, n] of [0n, 1n, 3n, 4n, U128_MAX].entries())
    v.push(one(`memory/MGROW/n-${i}`, `MGROW ${hex(n)} from 1 page with max_pages 4`, ['VM-OP-MGROW', 'VM-MEM-004'], grow, { args: [n], ...(n >= 4n ? { check: { halt: 'memory_limit' } } : {}) }));
  v.push(one('memory/MGROW/page-grant', 'MGROW past the call\'s page grant (2) halts memory_limit', ['VM-OP-MGROW', 'VM-MEM-004', 'VM-MEM-005'], grow, { args: [2n], memoryPages: 2, check: { halt: 'memory_limit' } }));
  v.push(one('memory/MGROW/within-grant', 'MGROW up to the call\'s page grant succeeds', ['VM-OP-MGROW', 'VM-MEM-005'], grow, { args: [1n], memoryPages: 2, check: { status: 'ok' } }));
  v.push(one('memory/MGROW/initial-over-grant', 'a call whose initial pages exceed its grant halts memory_limit before its first instruction', ['VM-MEM-006', 'VM-MEM-005'], grow, { args: [0n], memoryPages: 0, check: { halt: 'memory_limit' } }));
  // MCOPY: overlap both ways, empty, and each bound.
  const copy = program('LGET 0\nLGET 1\nLGET 2\nMCOPY\nPUSH 0\nMLOAD\nPUSH 16\nMLOAD\nPUSH 65520\nMLOAD\nRET', { params: 3, results: 3, head: DATA });
  const cases: [string, bigint, bigint, bigint][] = [
    ['forward-overlap', 4n, 0n, 20n],
    ['backward-overlap', 0n, 4n, 20n],
    ['empty', 3n, 9n, 0n],
    ['to-end', 0n, 65520n, 16n],
    ['src-oob', 0n, 65521n, 16n],
    ['dst-oob', 65530n, 0n, 7n],
    ['len-over-size', 0n, 0n, 65537n],
    ['len-huge', 0n, 0n, U128_MAX],
  ];
  for (const [name, dst, src, len] of cases) v.push(one(`memory/MCOPY/${name}`, `MCOPY dst ${dst} src ${src} len ${hex(len)}`, ['VM-OP-MCOPY', 'VM-MEM-003', 'VM-EXEC-006', 'VM-GAS-003'], copy, { args: [dst, src, len] }));
  return v;
}

/** Memory and storage at the 10 MiB edge (VM-MEM-002, VM-VAL-MEM-001/002, VM-SEG-002). */
function tenMiB(): FillSpec[] {
  const last = BigInt(SEGMENT_LIMIT_BYTES - 16);
  const full = `initial=${MAX_PAGES} max=${MAX_PAGES} storage=0`;
  return [
    one('memory/edge-10mib/last-word', 'memory of 160 pages (10 MiB): store and load the last 16 bytes', ['VM-MEM-002', 'VM-OP-MSTORE', 'VM-OP-MLOAD', 'VM-MEM-003'], program('LGET 0\nPUSH 77\nMSTORE\nLGET 0\nMLOAD\nMSIZE\nRET', { params: 1, results: 2, memory: full }), { args: [last], check: { results: [77n, BigInt(SEGMENT_LIMIT_BYTES)] } }),
    one('memory/edge-10mib/one-past', 'memory of 160 pages: a 16-byte load one byte past the end halts memory_oob', ['VM-MEM-002', 'VM-MEM-003'], program('LGET 0\nMLOAD\nRET', { params: 1, memory: full }), { args: [last + 1n], check: { halt: 'memory_oob' } }),
    one('memory/edge-10mib/grow-161', 'MGROW 1 at 160 pages halts memory_limit (no memory exceeds 10 MiB)', ['VM-MEM-002', 'VM-MEM-004'], program('PUSH 1\nMGROW\nRET', { memory: full }), { check: { halt: 'memory_limit' } }),
    one('memory/edge-10mib/grow-to-160', 'MGROW from 0 to 160 pages, metered per page', ['VM-MEM-002', 'VM-MEM-004', 'VM-GAS-003'], program('PUSH 160\nMGROW\nPOP\nMSIZE\nRET', { memory: `initial=0 max=${MAX_PAGES} storage=0` }), { check: { results: [BigInt(SEGMENT_LIMIT_BYTES)] } }),
    one('memory/edge-10mib/storage-last-word', 'a 10 MiB storage segment: write and read its last word', ['VM-SEG-001', 'VM-SEG-002', 'VM-SEG-003', 'VM-OP-SSTORE', 'VM-OP-SLOAD', 'VM-VAL-MEM-002'], program('LGET 0\nPUSH 0x55\nSSTORE\nLGET 0\nSLOAD\nSSIZE\nRET', { params: 1, results: 2, memory: `initial=0 max=0 storage=${SEGMENT_LIMIT_BYTES}` }), { args: [last], check: { results: [0x55n, BigInt(SEGMENT_LIMIT_BYTES)] } }),
    one('memory/edge-10mib/storage-one-past', 'a 10 MiB storage segment: a write one byte past the end halts storage_oob', ['VM-SEG-002'], program('LGET 0\nPUSH 1\nSSTORE\nPUSH 0\nRET', { params: 1, memory: `initial=0 max=0 storage=${SEGMENT_LIMIT_BYTES}` }), { args: [last + 1n], check: { halt: 'storage_oob' } }),
  ];
}

function storage(): FillSpec[] {
  const v: FillSpec[] = [];
  const offs = [0n, 1n, 48n, 49n, 56n, 57n, 63n, 64n, U128_MAX];
  for (const w of [16, 8, 1]) {
    const load = `SLOAD${WIDTH_NAME[w]}`;
    const store = `SSTORE${WIDTH_NAME[w]}`;
    offs.forEach((o, i) => {
      v.push(one(`storage/${store}/off-${pad2(i)}`, `${store} at ${hex(o)} of a 64-byte segment, read back`, [`VM-OP-${store}`, `VM-OP-${load}`, 'VM-SEG-001', 'VM-SEG-002', 'VM-SEG-003', 'VM-CONV-001'], program(`LGET 0\nLGET 1\n${store}\nLGET 0\n${load}\nRET`, { params: 2 }), { args: [o, 0xa1a2a3a4a5a6a7a8a9aaabacadaeafb0n] }));
      v.push(one(`storage/${load}/off-${pad2(i)}`, `${load} at ${hex(o)} of a segment preset in the pre-state`, [`VM-OP-${load}`, 'VM-SEG-002', 'VM-STATE-JSON'], program(`LGET 0\n${load}\nRET`, { params: 1 }), { args: [o] }));
    });
  }
  v.push(one('storage/SSIZE/size', 'SSIZE pushes storage_bytes without touching the segment', ['VM-OP-SSIZE', 'VM-SEG-001'], program('SSIZE\nRET'), { check: { results: [64n] } }));
  // Pre-state segments: the world state carries a segment of the module (by its hash).
  return v.map((s) => (s.draft.id.includes('/SLOAD') ? withSegment(s) : s));
}

/** Give a storage-load vector a non-zero segment in its pre-state (VM-STATE-JSON segments). */
function withSegment(s: FillSpec): FillSpec {
  const hash = Object.keys(s.draft.pre.modules)[0] as string;
  const state = { segments: { [hash]: { size: 64, words: { '0': '0x0f0e0d0c0b0a09080706050403020100', '48': '0xffeeddccbbaa99887766554433221100' } } } };
  return { ...s, draft: { ...s.draft, pre: { ...s.draft.pre, state } } };
}

function hashing(): FillSpec[] {
  const v: FillSpec[] = [];
  const hashProg = (op: string): string => program(`LGET 0\nLGET 1\nLGET 2\n${op}\nLGET 2\nMLOAD\nLGET 2\nPUSH 16\nADD\nMLOAD\nRET`, { params: 3, results: 2, head: '.data 0 "abc"\n.data 100 0x' + '5a'.repeat(70) });
  const cases: [string, bigint, bigint, bigint][] = [
    ['abc', 0n, 3n, 200n],
    ['empty', 0n, 0n, 200n],
    ['70-bytes', 100n, 70n, 300n],
    ['in-place', 0n, 64n, 0n],
    ['out-at-end', 0n, 3n, 65504n],
    ['out-oob', 0n, 3n, 65505n],
    ['in-oob', 65530n, 7n, 0n],
    ['len-over-size', 0n, 65537n, 0n],
  ];
  for (const op of ['SHA256', 'KECCAK256'])
    for (const [name, ptr, len, out] of cases) {
      const oobRead = name === 'out-at-end';
      v.push(one(`hash/${op}/${name}`, `${op} of ${len} bytes at ${ptr} into ${out}`, [`VM-OP-${op}`, `VM-PRE-${op}`, 'VM-CONV-002', 'VM-EXEC-006', 'VM-GAS-003', 'VM-MEM-003'], oobRead ? program(`LGET 0\nLGET 1\nLGET 2\n${op}\nLGET 2\nMLOAD\nRET`, { params: 3, head: '.data 0 "abc"' }) : hashProg(op), { args: [ptr, len, out] }));
    }
  // Poseidon: inputs are 32-byte big-endian field elements at 0.
  const be = (x: bigint): string => x.toString(16).padStart(64, '0');
  const inputs = Array.from({ length: 16 }, (_, i) => be(BigInt(i + 1))).join('');
  const pos = (extra = ''): string => program('LGET 0\nLGET 1\nLGET 2\nPOSEIDON\nLGET 2\nMLOAD\nLGET 2\nPUSH 16\nADD\nMLOAD\nRET', { params: 3, results: 2, head: `.data 0 0x${inputs}${extra}` });
  for (const [name, n, out] of [['n-1', 1n, 1024n], ['n-2', 2n, 1024n], ['n-16', 16n, 1024n], ['n-0', 0n, 1024n], ['n-17', 17n, 1024n], ['out-oob', 2n, 65505n], ['in-oob', 3n, 0n]] as const)
    v.push(one(`hash/POSEIDON/${name}`, `POSEIDON of ${n} inputs, output at ${out}`, ['VM-OP-POSEIDON', 'VM-PRE-POSEIDON-001', 'VM-PRE-POSEIDON-002', 'VM-CONV-002', 'VM-EXEC-006'], pos(), { args: [name === 'in-oob' ? 65440n : 0n, n, out] }));
  v.push(one('hash/POSEIDON/not-below-r', 'POSEIDON with an input equal to the field modulus halts invalid_argument', ['VM-OP-POSEIDON', 'VM-PRE-POSEIDON-002'], program('PUSH 0\nPUSH 1\nPUSH 64\nPOSEIDON\nPUSH 0\nRET', { head: `.data 0 0x${be(BN254_R)}` }), { check: { halt: 'invalid_argument' } }));
  // Merkle: a tree of 5 leaves; root at 0, leaf hash at 32, path from 64.
  const leaves = Array.from({ length: 5 }, (_, i) => leafHash(Uint8Array.of(0x6b, i), sha256(Uint8Array.of(i))));
  const root = merkleRoot(leaves);
  for (let p = 0; p < leaves.length; p++) {
    const proof = merkleProof(leaves, p);
    const data = `.data 0 0x${bytesToHex(root)}${bytesToHex(leaves[p] as Uint8Array)}${proof.siblings.map(bytesToHex).join('')}`;
    const prog = program('PUSH 0\nPUSH 32\nPUSH 64\nLGET 0\nLGET 1\nMERKLE_VERIFY\nRET', { params: 2, head: data });
    const depth = BigInt(proof.siblings.length);
    v.push(one(`hash/MERKLE_VERIFY/leaf-${p}`, `MERKLE_VERIFY proves leaf ${p} of 5`, ['VM-OP-MERKLE_VERIFY', 'VM-PRE-MERKLE', 'VM-MERKLE-002', 'VM-MERKLE-003', 'VM-MERKLE-004'], prog, { args: [depth, proof.index], check: { results: [1n] } }));
    v.push(one(`hash/MERKLE_VERIFY/leaf-${p}-wrong-index`, `MERKLE_VERIFY with a flipped direction bit for leaf ${p}`, ['VM-OP-MERKLE_VERIFY', 'VM-PRE-MERKLE'], prog, { args: [depth, proof.index ^ 1n] }));
  }
  const m = (body: string): string => program(body, { head: `.data 0 0x${bytesToHex(root)}${bytesToHex(root)}` });
  v.push(one('hash/MERKLE_VERIFY/depth-0', 'depth 0 compares the leaf with the root', ['VM-OP-MERKLE_VERIFY', 'VM-PRE-MERKLE'], m('PUSH 0\nPUSH 32\nPUSH 64\nPUSH 0\nPUSH 0xff\nMERKLE_VERIFY\nRET'), { check: { results: [1n] } }));
  v.push(one('hash/MERKLE_VERIFY/depth-65', 'depth 65 halts invalid_argument before any charge', ['VM-OP-MERKLE_VERIFY', 'VM-PRE-MERKLE', 'VM-EXEC-006'], m('PUSH 0\nPUSH 32\nPUSH 64\nPUSH 65\nPUSH 0\nMERKLE_VERIFY\nRET'), { check: { halt: 'invalid_argument' } }));
  v.push(one('hash/MERKLE_VERIFY/depth-64', 'depth 64 with the path running past memory halts memory_oob', ['VM-OP-MERKLE_VERIFY', 'VM-PRE-MERKLE', 'VM-MEM-003'], m('PUSH 0\nPUSH 32\nPUSH 65000\nPUSH 64\nPUSH 0\nMERKLE_VERIFY\nRET'), { check: { halt: 'memory_oob' } }));
  v.push(one('hash/MERKLE_VERIFY/root-oob', 'a root pointer past memory halts memory_oob', ['VM-OP-MERKLE_VERIFY', 'VM-MEM-003'], m('PUSH 65505\nPUSH 32\nPUSH 64\nPUSH 1\nPUSH 0\nMERKLE_VERIFY\nRET'), { check: { halt: 'memory_oob' } }));
  return v;
}

export const memoryFiller: Filler = {
  group: 'memory',
  specs: () => [...memoryAccess(), ...tenMiB()],
};

export const storageFiller: Filler = {
  group: 'storage',
  specs: storage,
};

export const hashFiller: Filler = {
  group: 'hash',
  specs: hashing,
};
