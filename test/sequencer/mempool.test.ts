/** spec/sequencer.md §2: de-duplication and per-account nonce order (SEQ-MEM-*). */
import test from 'ava';
import fc from 'fast-check';
import { Mempool } from '../../reference/sequencer/mempool.ts';
import { Signer, alice, bob } from './helpers.ts';

test('SEQ-MEM-001 the same intent twice is one entry', (t) => {
  const m = new Mempool();
  const i = new Signer(alice).sign({ kind: 'deposit', amount: 1n });
  t.is(m.add(i, 0n), 'added');
  t.is(m.add({ ...i }, 0n), 'duplicate');
  t.is(m.size, 1);
});

test('SEQ-MEM-002 a used nonce is stale; a second intent for a pending nonce is refused; capacity is bounded', (t) => {
  const m = new Mempool(2);
  const s = new Signer(alice);
  const a = s.sign({ kind: 'deposit', amount: 1n });
  t.is(m.add(a, 1n), 'stale-nonce');
  t.is(m.add(a, 0n), 'added');
  s.nonce = 0n;
  t.is(m.add(s.sign({ kind: 'deposit', amount: 2n }), 0n), 'nonce-taken');
  t.is(m.add(s.sign({ kind: 'deposit', amount: 3n }), 0n), 'added');
  t.is(m.add(s.sign({ kind: 'deposit', amount: 4n }), 0n), 'full');
});

test('SEQ-MEM-003 selection takes consecutive nonces per account, accounts by first arrival; a gap waits', (t) => {
  const m = new Mempool();
  const a = new Signer(alice);
  const b = new Signer(bob);
  const a0 = a.sign({ kind: 'deposit', amount: 1n });
  const a1 = a.sign({ kind: 'deposit', amount: 2n });
  a.nonce = 3n;
  const a3 = a.sign({ kind: 'deposit', amount: 3n });
  const b0 = b.sign({ kind: 'deposit', amount: 4n });
  for (const i of [b0, a3, a1, a0]) m.add(i, 0n);
  const next = (): bigint => 0n;
  t.deepEqual(m.select(10, next), [b0, a0, a1]);
  t.deepEqual(m.select(2, next), [b0, a0]);
});

test('SEQ-MEM-004 prune drops intents whose nonces are used', (t) => {
  const m = new Mempool();
  const a = new Signer(alice);
  const xs = [0, 1, 2].map(() => a.sign({ kind: 'deposit', amount: 1n }));
  for (const i of xs) m.add(i, 0n);
  m.prune(() => 2n);
  t.is(m.size, 1);
  t.deepEqual(m.select(5, () => 2n), [xs[2]]);
});

test('SEQ-MEM-003 property: any arrival order selects, per account, exactly the nonces next..next+k−1 in order', (t) => {
  const a = new Signer(alice);
  const b = new Signer(bob);
  const pool = [...[0, 1, 2, 3, 4].map(() => a.sign({ kind: 'deposit', amount: 1n })), ...[0, 1, 2].map(() => b.sign({ kind: 'deposit', amount: 1n }))];
  fc.assert(
    fc.property(fc.shuffledSubarray(pool, { minLength: 1 }), fc.nat(2), (arrivals, start) => {
      const m = new Mempool();
      for (const i of arrivals) m.add(i, BigInt(start));
      const out = m.select(100, () => BigInt(start));
      for (const acct of [a.account, b.account]) {
        const ns = out.filter((i) => i.account === acct).map((i) => Number(i.nonce));
        const have = new Set(arrivals.filter((i) => i.account === acct && i.nonce >= BigInt(start)).map((i) => Number(i.nonce)));
        let want = start;
        const expect: number[] = [];
        while (have.has(want)) expect.push(want++);
        if (JSON.stringify(ns) !== JSON.stringify(expect)) return false;
      }
      return true;
    }),
    { numRuns: 100 },
  );
  t.pass();
});
