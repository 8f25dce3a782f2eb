/**
 * Linear memory (spec/curvevm.md §7, VM-MEM-*): little-endian loads and stores of 1, 8 and 16 bytes,
 * bounds checks at the exact edge, MGROW limits (module max, 160 pages = 10 MiB, the call's memory grant),
 * MCOPY overlap, data segments, fresh memory per call.
 */
import test from 'ava';
import { U128_MAX } from '../../reference/lib/u128.ts';
import { G_BASE, G_COPY_WORD, G_MEMORY, G_MEMORY_PAGE } from '../../reference/vm/gas.ts';
import { Memory } from '../../reference/vm/memory.ts';
import { MAX_PAGES, PAGE_BYTES, SEGMENT_LIMIT_BYTES } from '../../reference/vm/module.ts';
import { Halt } from '../../reference/vm/halts.ts';
import { load, program, runBody, runLoaded } from './helpers.ts';

const W = 0x0102030405060708090a0b0c0d0e0f10n;

test('VM-MEM-001 MSTORE/MLOAD are 16-byte little-endian; narrow loads read the low bytes', (t) => {
  const body = (load: string): string => `PUSH 32\nPUSH128 0x${W.toString(16)}\nMSTORE\n${load}\nRET`;
  t.deepEqual(runBody(body('PUSH 32\nMLOAD')).results, [W]);
  t.deepEqual(runBody(body('PUSH 32\nMLOAD8')).results, [0x10n]);
  t.deepEqual(runBody(body('PUSH 47\nMLOAD8')).results, [0x01n]);
  t.deepEqual(runBody(body('PUSH 32\nMLOAD64')).results, [0x090a0b0c0d0e0f10n]);
  t.deepEqual(runBody(body('PUSH 40\nMLOAD64')).results, [0x0102030405060708n]);
});

test('VM-MEM-001 MSTORE8 and MSTORE64 write only the low 1 and 8 bytes', (t) => {
  t.deepEqual(runBody('PUSH 0\nPUSH -1\nMSTORE\nPUSH 0\nPUSH 0x1234\nMSTORE8\nPUSH 0\nMLOAD\nRET').results, [U128_MAX - 0xffn + 0x34n]);
  t.deepEqual(runBody(`PUSH 0\nPUSH128 0x${W.toString(16)}\nMSTORE64\nPUSH 0\nMLOAD\nRET`).results, [0x090a0b0c0d0e0f10n]);
});

test('VM-MEM-003 bounds are exact: the last word, byte and 8 bytes are in, one further traps memory_oob', (t) => {
  const size = PAGE_BYTES;
  const cases: [string, number][] = [
    ['MLOAD', 16],
    ['MLOAD8', 1],
    ['MLOAD64', 8],
  ];
  for (const [op, width] of cases) {
    t.is(runBody(`PUSH ${size - width}\n${op}\nRET`).status, 'ok', op);
    const r = runBody(`PUSH ${size - width + 1}\n${op}\nRET`);
    t.is(r.halt, 'memory_oob', op);
  }
  for (const [op, width] of [['MSTORE', 16], ['MSTORE8', 1], ['MSTORE64', 8]] as const) {
    t.is(runBody(`PUSH ${size - width}\nPUSH 1\n${op}\nPUSH 0\nRET`).status, 'ok', op);
    t.is(runBody(`PUSH ${size - width + 1}\nPUSH 1\n${op}\nPUSH 0\nRET`).halt, 'memory_oob', op);
  }
  t.is(runBody(`PUSH128 0x${U128_MAX.toString(16)}\nMLOAD8\nRET`).halt, 'memory_oob', 'a huge address');
  t.is(runBody('PUSH 0\nMLOAD8\nRET', { memory: 'initial=0 max=0' }).halt, 'memory_oob', 'no memory at all');
});

test('VM-OP-MSIZE is the size in bytes; VM-OP-MGROW pushes the old page count', (t) => {
  const r = runBody('MSIZE\nPUSH 2\nMGROW\nADD\nMSIZE\nADD\nPUSH 0\nMGROW\nADD\nRET', { memory: 'initial=1 max=4' });
  t.deepEqual(r.results, [BigInt(PAGE_BYTES) + 1n + BigInt(3 * PAGE_BYTES) + 3n]);
});

test('VM-MEM-004 MGROW is metered per page', (t) => {
  const r = runBody('PUSH 3\nMGROW\nRET', { memory: 'initial=0 max=3', trace: true });
  t.is(r.trace?.[1]?.gasCost, G_BASE + 3 * G_MEMORY_PAGE);
  t.is(r.gasUsed, 1 + G_BASE + 3 * G_MEMORY_PAGE + 2);
});

test('VM-MEM-004 MGROW stops at the module maxPages', (t) => {
  t.is(runBody('PUSH 3\nMGROW\nRET', { memory: 'initial=1 max=4' }).status, 'ok');
  t.is(runBody('PUSH 4\nMGROW\nRET', { memory: 'initial=1 max=4' }).halt, 'memory_limit');
  t.is(runBody('PUSH -1\nMGROW\nRET', { memory: 'initial=1 max=4' }).halt, 'memory_limit', 'a huge count');
});

test('VM-MEM-002 memory reaches exactly 10 MiB = 160 pages and no further', (t) => {
  t.is(MAX_PAGES * PAGE_BYTES, SEGMENT_LIMIT_BYTES);
  const r = runBody('PUSH 160\nMGROW\nPOP\nMSIZE\nRET', { memory: 'initial=0 max=160' });
  t.deepEqual(r.results, [BigInt(SEGMENT_LIMIT_BYTES)]);
  t.is(runBody('PUSH 1\nMGROW\nRET', { memory: 'initial=160 max=160' }).halt, 'memory_limit');
  t.is(runBody(`PUSH ${SEGMENT_LIMIT_BYTES - 1}\nMLOAD8\nRET`, { memory: 'initial=160 max=160' }).status, 'ok');
  t.is(runBody(`PUSH ${SEGMENT_LIMIT_BYTES}\nMLOAD8\nRET`, { memory: 'initial=160 max=160' }).halt, 'memory_oob');
});

test('VM-MEM-005 VM-MEM-006 the memory grant of the call bounds MGROW and the initial pages', (t) => {
  const l = load(program('PUSH 1\nMGROW\nRET', { memory: 'initial=1 max=4' }));
  t.is(runLoaded(l, { memoryPages: 2 }).status, 'ok');
  t.is(runLoaded(l, { memoryPages: 1 }).halt, 'memory_limit');
  const r = runLoaded(l, { memoryPages: 0 });
  t.is(r.halt, 'memory_limit', 'initial pages beyond the grant halt before the first instruction');
  t.is(r.haltDetail, 'needs 1 pages, granted 0');
});

test('VM-OP-MCOPY copies overlapping ranges both ways and is metered per 16 bytes', (t) => {
  const setup = 'PUSH 0\nPUSH128 0x0f0e0d0c0b0a09080706050403020100\nMSTORE\n';
  // forward overlap: copy [0,16) to [4,20)
  const fwd = runBody(`${setup}PUSH 4\nPUSH 0\nPUSH 16\nMCOPY\nPUSH 4\nMLOAD\nRET`);
  t.deepEqual(fwd.results, [0x0f0e0d0c0b0a09080706050403020100n]);
  // backward overlap: copy [4,16) to [0,12)
  const back = runBody(`${setup}PUSH 0\nPUSH 4\nPUSH 12\nMCOPY\nPUSH 0\nMLOAD64\nRET`);
  t.deepEqual(back.results, [0x0b0a090807060504n]);
  const traced = runBody(`${setup}PUSH 0\nPUSH 100\nPUSH 33\nMCOPY\nPUSH 0\nRET`, { trace: true });
  t.is(traced.trace?.find((s) => s.op === 'MCOPY')?.gasCost, G_MEMORY + 3 * G_COPY_WORD);
});

test('VM-OP-MCOPY bounds: length, source and destination are checked; zero length at the end is fine', (t) => {
  t.is(runBody(`PUSH 0\nPUSH 0\nPUSH ${PAGE_BYTES + 1}\nMCOPY\nPUSH 0\nRET`).halt, 'memory_oob');
  t.is(runBody(`PUSH 0\nPUSH ${PAGE_BYTES - 1}\nPUSH 2\nMCOPY\nPUSH 0\nRET`).halt, 'memory_oob');
  t.is(runBody(`PUSH ${PAGE_BYTES - 1}\nPUSH 0\nPUSH 2\nMCOPY\nPUSH 0\nRET`).halt, 'memory_oob');
  t.is(runBody(`PUSH ${PAGE_BYTES}\nPUSH ${PAGE_BYTES}\nPUSH 0\nMCOPY\nPUSH 0\nRET`).status, 'ok');
});

test('VM-MEM-001 data segments are copied into fresh memory at every call', (t) => {
  const l = load(program('PUSH 16\nMLOAD8\nPUSH 16\nPUSH 0x7a\nMSTORE8\nRET', { head: '.data 16 "hi"\n.data 32 0xff' }));
  t.deepEqual(runLoaded(l).results, [0x68n]);
  t.deepEqual(runLoaded(l).results, [0x68n], 'the previous call’s store is gone');
});

test('Memory.check accepts exactly [0, size) and throws a memory_oob Halt otherwise', (t) => {
  const m = new Memory(1);
  const haltKind = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return e instanceof Halt ? e.kind : 'other';
    }
  };
  t.is(m.check(0n, PAGE_BYTES), 0);
  t.is(haltKind(() => m.check(-1n, 1)), 'memory_oob');
  t.is(haltKind(() => m.check(1n, PAGE_BYTES)), 'memory_oob');
  m.grow(1);
  t.is(m.size, 2 * PAGE_BYTES);
  t.is(haltKind(() => m.check(1n, PAGE_BYTES)), undefined);
});
