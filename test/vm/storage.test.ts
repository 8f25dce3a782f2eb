/**
 * The persistent storage segment of a module (spec/curvevm.md §7, VM-STATE-*): widths, exact bounds,
 * SSIZE, persistence across calls, one segment per module, state diff entries per 16-byte word.
 */
import test from 'ava';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { load, program, runBody, runLoaded } from './helpers.ts';

test('VM-OP-SSTORE/SLOAD 16, 8 and 1 byte words, little-endian', (t) => {
  const r = runBody('PUSH 16\nPUSH128 0x0102030405060708090a0b0c0d0e0f10\nSSTORE\nPUSH 16\nSLOAD8\nPUSH 24\nSLOAD64\nADD\nRET');
  t.deepEqual(r.results, [0x10n + 0x0102030405060708n]);
  const n = runBody('PUSH 0\nPUSH -1\nSSTORE64\nPUSH 8\nPUSH 0x1ff\nSSTORE8\nPUSH 0\nSLOAD\nRET');
  t.deepEqual(n.results, [(1n << 64n) - 1n + (0xffn << 64n)]);
});

test('VM-OP-SSIZE is the declared segment size', (t) => {
  t.deepEqual(runBody('SSIZE\nRET', { memory: 'initial=0 max=0 storage=4096' }).results, [4096n]);
  t.deepEqual(runBody('SSIZE\nRET', { memory: 'initial=0 max=0 storage=0' }).results, [0n]);
});

test('VM-SEG-002 bounds are exact per width; one further traps storage_oob', (t) => {
  for (const [load8, store8, width] of [['SLOAD', 'SSTORE', 16], ['SLOAD64', 'SSTORE64', 8], ['SLOAD8', 'SSTORE8', 1]] as const) {
    t.is(runBody(`PUSH ${64 - width}\n${load8}\nRET`).status, 'ok', load8);
    t.is(runBody(`PUSH ${65 - width}\n${load8}\nRET`).halt, 'storage_oob', load8);
    t.is(runBody(`PUSH ${64 - width}\nPUSH 1\n${store8}\nPUSH 0\nRET`).status, 'ok', store8);
    t.is(runBody(`PUSH ${65 - width}\nPUSH 1\n${store8}\nPUSH 0\nRET`).halt, 'storage_oob', store8);
  }
  t.is(runBody(`PUSH128 0x${U128_MAX.toString(16)}\nSLOAD8\nRET`).halt, 'storage_oob');
  t.is(runBody('PUSH 0\nSLOAD8\nRET', { memory: 'initial=0 max=0 storage=0' }).halt, 'storage_oob');
});

test('VM-SEG-001 storage persists across calls and is per module', (t) => {
  const src = program('PUSH 0\nSLOAD\nPUSH 1\nADD\nDUP 0\nPUSH 0\nSWAP 1\nSSTORE\nRET');
  const l = load(src);
  t.deepEqual(runLoaded(l).results, [1n]);
  t.deepEqual(runLoaded(l).results, [2n]);
  t.is(l.world.readSegmentWord(l.lm.hashHex, 0), 2n);
  // A different module (different bytes) has its own zero segment in the same world.
  const other = load(program('PUSH 0\nSLOAD\nRET', { memory: 'initial=1 max=1 storage=32' }), l.store, l.world);
  t.deepEqual(runLoaded(other).results, [0n]);
});

test('VM-STATE-DIFF lists each changed 16-byte word with its before and after values', (t) => {
  const world = new World();
  const l = load(program('PUSH 12\nPUSH -1\nSSTORE64\nPUSH 48\nPUSH 5\nSSTORE\nPUSH 48\nPUSH 0\nSSTORE\nPUSH 0\nRET'), new ModuleStore(), world);
  const r = runLoaded(l);
  const h = l.lm.hashHex;
  t.deepEqual(
    r.stateDiff.map((d) => d.key),
    [`word/${h}/0`, `word/${h}/1`],
    'an SSTORE64 across a word boundary touches two words; a word written back to zero is no change',
  );
  t.is(r.stateDiff[0]?.before, '');
  t.is(r.stateDiff[0]?.after, '000000000000000000000000ffffffff');
  t.is(r.stateDiff[1]?.after, 'ffffffff000000000000000000000000');
  // A second call sees the earlier value as `before`.
  const r2 = runLoaded(load(program('PUSH 12\nPUSH 0\nSSTORE64\nPUSH 0\nRET'), l.store, world));
  t.is(r2.stateDiff.length, 0, 'a different module writes its own segment');
});

test('VM-STATE-ROOT storage writes change the state root; zero pages do not count', (t) => {
  const world = new World();
  const empty = world.stateRootHex();
  const l = load(program('LGET 0\nPUSH 0\nSWAP 1\nSSTORE\nPUSH 0\nRET', { params: 1 }), new ModuleStore(), world);
  const r1 = runLoaded(l, { args: [7n] });
  t.not(r1.stateRoot, empty);
  const r0 = runLoaded(l, { args: [0n] });
  t.is(r0.stateRoot, empty, 'writing the word back to zero restores the empty root');
});
