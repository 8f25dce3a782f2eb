/**
 * Memory reuse (reference/vm/memory.ts): a module call's buffer comes from a pool of zeroed buffers and
 * returns there when the call ends. VM-MEM-001 says a call's memory starts as zero bytes plus its data
 * segments; these properties check that a reused buffer is indistinguishable from a fresh one, on both
 * engines, after calls that wrote memory every way there is (stores of each width inline and on the
 * reference handlers, big words, data segments, hashes, MCOPY, MGROW) and ended ok, reverted or halted,
 * nested or not.
 */
import test from 'ava';
import fc from 'fast-check';
import { sha256 } from '../../reference/lib/hash.ts';
import { bytesToBigBE } from '../../reference/lib/u128.ts';
import { assembleToBytes } from '../../reference/vm/asm.ts';
import { executeFast } from '../../reference/vm/fast.ts';
import { execute } from '../../reference/vm/interpreter.ts';
import { Memory, pooledBuffers } from '../../reference/vm/memory.ts';
import { PAGE_BYTES } from '../../reference/vm/module.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

const allZero = (): boolean => pooledBuffers().every((b) => b.every((x) => x === 0));

/** A module whose `main` hashes its whole memory of `pages` pages and returns the digest as two words. */
const reader = (pages: number): string =>
  [
    `.memory initial=${pages} max=${pages} storage=0`,
    '.caps none',
    '.func f params=0 results=2 locals=0',
    `  PUSH 0\n  PUSH ${pages * PAGE_BYTES}\n  PUSH 0\n  SHA256`,
    '  PUSH 0\n  MLOAD\n  PUSH 16\n  MLOAD\n  RET',
    '.entry main f () -> (u128 u128)',
  ].join('\n');

/** The two words a reader returns for all-zero memory of `pages` pages (MLOAD is little-endian). */
function zeroDigest(pages: number): bigint[] {
  const d = sha256(new Uint8Array(pages * PAGE_BYTES));
  const le = (bytes: Uint8Array): bigint => bytesToBigBE(bytes.slice().reverse());
  return [le(d.subarray(0, 16)), le(d.subarray(16, 32))];
}

const STORE = ['MSTORE', 'MSTORE8', 'MSTORE64'] as const;

interface Write {
  readonly op: (typeof STORE)[number] | 'SHA256' | 'MCOPY';
  readonly at: number;
  readonly value: bigint;
}

const write: fc.Arbitrary<Write> = fc.record({
  op: fc.constantFrom(...STORE, 'SHA256', 'MCOPY'),
  at: fc.oneof(fc.integer({ min: 0, max: 256 }), fc.integer({ min: 0, max: PAGE_BYTES - 32 })),
  value: fc.oneof(fc.bigInt({ min: 1n, max: 255n }), fc.bigInt({ min: 1n, max: (1n << 128n) - 1n })),
});

/** A writer: data segments, then the writes, an optional grow (and a store past the first page), then the ending. */
function writer(pages: number, writes: readonly Write[], grow: boolean, ending: 'RET' | 'REVERT' | 'TRAP'): string {
  const body = writes.map((w) => {
    switch (w.op) {
      case 'SHA256':
        return `  PUSH 0\n  PUSH 64\n  PUSH ${w.at}\n  SHA256`;
      case 'MCOPY':
        return `  PUSH ${w.at}\n  PUSH 0\n  PUSH 32\n  MCOPY`;
      default:
        return `  PUSH ${w.at}\n  PUSH128 0x${w.value.toString(16)}\n  ${w.op}`;
    }
  });
  const growth = grow ? [`  PUSH 1\n  MGROW\n  POP\n  PUSH ${pages * PAGE_BYTES + 8}\n  PUSH 0xabcdef\n  MSTORE`] : [];
  const end = ending === 'RET' ? '  RET' : ending === 'REVERT' ? '  PUSH 7\n  REVERT' : '  TRAP';
  return [
    `.memory initial=${pages} max=${pages + 1} storage=0`,
    '.caps none',
    '.data 3 0xdeadbeef',
    '.data 100 "some data"',
    '.func f params=0 results=0 locals=0',
    ...body,
    ...growth,
    end,
    '.entry main f () -> ()',
  ].join('\n');
}

test('VM-MEM-001 a reused memory buffer is all zero: pooled buffers after any writes, on both engines', (t) => {
  const readers = new Map<number, string>();
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.array(write, { minLength: 1, maxLength: 12 }),
      fc.boolean(),
      fc.constantFrom('RET', 'REVERT', 'TRAP'),
      fc.boolean(),
      (pages, writes, grow, ending, fast) => {
        const store = new ModuleStore();
        const w = store.add(assembleToBytes(writer(pages, writes, grow, ending)));
        const run = fast ? executeFast : execute;
        run(store, new World(), w.hashHex, 'main', [], { gasLimit: 10_000_000 });
        if (!allZero()) throw new Error('a pooled buffer holds a non-zero byte');
        // The next call of the same size gets a reused buffer: it must read all zero.
        const src = readers.get(pages) ?? reader(pages);
        readers.set(pages, src);
        const r = store.add(assembleToBytes(src));
        const out = run(store, new World(), r.hashHex, 'main', [], { gasLimit: 10_000_000 });
        if (out.status !== 'ok') throw new Error(`reader ${out.status}`);
        const [a, b] = zeroDigest(pages);
        if (out.results[0] !== a || out.results[1] !== b) throw new Error('a reused memory did not read as zero');
      },
    ),
    { numRuns: 120 },
  );
  t.true(pooledBuffers().length > 0, 'buffers were pooled');
});

test('VM-MEM-001 a released memory zeroes exactly what it wrote, through check, write and wrote', (t) => {
  const m = new Memory(1);
  m.write(Uint8Array.of(1, 2, 3), 10);
  m.bytes[m.check(500n, 16) + 15] = 9;
  m.wrote(2000);
  m.bytes[1999] = 5;
  const b = m.bytes;
  m.release();
  t.true(b.every((x) => x === 0));
  t.is(m.bytes.length, 0, 'a released memory holds no buffer');
  t.true(pooledBuffers().includes(b));
  const again = new Memory(1);
  t.is(again.bytes, b, 'the pooled buffer is reused');
  t.true(again.bytes.every((x) => x === 0));
  again.release();
});

test('VM-MEM-001 nested calls each get a zeroed memory (callee writes, caller then calls a reader)', (t) => {
  const store = new ModuleStore();
  const wr = store.add(assembleToBytes(writer(1, [{ op: 'MSTORE', at: 64, value: 77n }, { op: 'MSTORE64', at: 4000, value: 1n << 60n }], false, 'RET')));
  const rd = store.add(assembleToBytes(reader(1)));
  const caller = [
    '.memory initial=1 max=1 storage=0',
    '.caps call',
    `.import w 0x${wr.hashHex} main 0 0`,
    `.import r 0x${rd.hashHex} main 0 2`,
    '.func f params=0 results=2 locals=0',
    '  PUSH 8\n  PUSH128 0xffffffffffffffffffffffffffffffff\n  MSTORE',
    '  PUSH 1000000\n  PUSH 1\n  PUSH 0\n  CALL w\n  POP\n  POP',
    '  PUSH 1000000\n  PUSH 1\n  PUSH 0\n  CALL r\n  POP\n  POP\n  RET',
    '.entry main f () -> (u128 u128)',
  ].join('\n');
  const c = store.add(assembleToBytes(caller));
  for (const run of [execute, executeFast]) {
    const out = run(store, new World(), c.hashHex, 'main', [], { gasLimit: 10_000_000 });
    t.is(out.status, 'ok');
    t.deepEqual(out.results, zeroDigest(1));
    t.true(allZero());
  }
});
