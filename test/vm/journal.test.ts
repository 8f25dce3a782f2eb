/**
 * The World's flat journal (reference/vm/journal.ts; VM-TRAP-002, VM-STATE-003, VM-STATE-DIFF): random
 * writes of every kind — storage words of two segments (one with a short last word), new segments,
 * wallets, vaults, escrows, caps, the next cap id — across nested snapshots, reverts and commits, with
 * far more records than the journal's first capacity. A revert gives back exactly the state of its
 * snapshot (World.toJSON); `journalSince` lists one record per write with the value before it; the diff
 * since a snapshot is each changed item's value at the snapshot against its value now; a commit empties
 * the journal.
 */
import test from 'ava';
import fc from 'fast-check';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { World } from '../../reference/vm/world.ts';

const MODULES = ['aa'.repeat(32), 'bb'.repeat(32)] as const;
/** Segment sizes: the second ends in a 5-byte word. */
const SIZES = [96, 53] as const;

const write = fc.oneof(
  fc.record({ kind: fc.constant('seg' as const), m: fc.integer({ min: 0, max: 1 }), at: fc.nat(60), bytes: fc.uint8Array({ minLength: 1, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('wallet' as const), user: fc.bigInt({ min: 0n, max: 3n }), v: fc.bigInt({ min: 0n, max: 9n }) }),
  fc.record({ kind: fc.constant('vault' as const), asset: fc.bigInt({ min: 0n, max: 3n }), v: fc.bigInt({ min: 0n, max: 9n }) }),
  fc.record({ kind: fc.constant('escrow' as const), user: fc.bigInt({ min: 0n, max: 3n }), v: fc.bigInt({ min: 0n, max: 9n }), nonce: fc.bigInt({ min: 0n, max: 2n }) }),
  fc.record({ kind: fc.constant('cap' as const), v: fc.bigInt({ min: 0n, max: 9n }) }),
  fc.record({ kind: fc.constant('nextCap' as const), v: fc.bigInt({ min: 1n, max: 9n }) }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

/** Apply one write; returns how many journal records it adds. */
function apply(w: World, op: Write): number {
  switch (op.kind) {
    case 'seg': {
      const size = SIZES[op.m] as number;
      const fresh = !w.hasSegment(MODULES[op.m] as string);
      const seg = w.segment(MODULES[op.m] as string, size);
      const at = op.at % size;
      const data = op.bytes.subarray(0, size - at);
      w.segmentWrite(MODULES[op.m] as string, seg, at, data);
      return fresh ? 1 : 0; // storage words: counted by the caller from journalSince (a word journals once per epoch)
    }
    case 'wallet':
      w.setWallet(op.user, 1n, op.v);
      return 1;
    case 'vault':
      w.setVault(op.asset, op.v);
      return 1;
    case 'escrow':
      w.setEscrow(op.user, 2n, 1n, { balance: op.v, nonce: op.nonce });
      return 1;
    case 'cap':
      w.setCap(w.mintCapId(), { user: 1n, slab: 2n, asset: 1n, amountMax: op.v, remaining: op.v, expiry: 100n, nonce: 0n, burned: false });
      return 2;
    case 'nextCap':
      w.setNextCap(op.v);
      return 1;
  }
}

const json = (w: World): string => JSON.stringify(w.toJSON());

test('VM-TRAP-002 VM-STATE-003 the flat journal: nested reverts restore their snapshot exactly, commits empty it', (t) => {
  let grown = 0;
  fc.assert(
    fc.property(
      fc.array(fc.record({ writes: fc.array(write, { minLength: 20, maxLength: 100, size: 'max' }), end: fc.constantFrom('revert', 'keep', 'commit') }), { minLength: 1, maxLength: 8, size: 'max' }),
      (frames) => {
        const w = new World();
        w.setWallet(0n, 1n, 5n);
        w.commit();
        const stack: { snap: { journal: number; logs: number }; before: string }[] = [];
        for (const f of frames) {
          stack.push({ snap: w.snapshot(), before: json(w) });
          let items = 0;
          for (const op of f.writes) items += apply(w, op);
          const top = stack[stack.length - 1] as (typeof stack)[number];
          const records = w.journalSince(top.snap);
          if (records.filter((r) => r.kind !== 'seg').length !== items) return false;
          if (w.journalSince({ journal: 0 }).length > 256) grown++;
          if (f.end === 'revert') {
            w.revertTo(top.snap);
            stack.pop();
            if (json(w) !== top.before) return false;
          } else if (f.end === 'commit') {
            w.commit();
            stack.length = 0;
            if (w.journalSince({ journal: 0 }).length !== 0) return false;
          }
        }
        // unwind what is still pending, innermost first
        while (stack.length > 0) {
          const s = stack.pop() as (typeof stack)[number];
          w.revertTo(s.snap);
          if (json(w) !== s.before) return false;
        }
        return true;
      },
    ),
    { numRuns: 200 },
  );
  t.true(grown > 5, `${grown} frames past the journal's first capacity (256 records)`);
});

test('VM-STATE-DIFF journalSince shows old values; the diff pairs them with the values now, a short last word included', (t) => {
  const w = new World();
  const seg = w.segment(MODULES[1], 53);
  w.segmentWrite(MODULES[1], seg, 48, Uint8Array.of(1, 2, 3, 4, 5));
  w.setVault(7n, 3n);
  w.commit();
  const s = w.snapshot();
  w.segmentWrite(MODULES[1], seg, 49, Uint8Array.of(9));
  w.setVault(7n, 4n);
  w.setVault(7n, 6n);
  const other = w.segment(MODULES[0], 96);
  w.segmentWrite(MODULES[0], other, 16, Uint8Array.of(8));
  const records = w.journalSince(s);
  t.deepEqual(
    records.map((r) => r.kind),
    ['seg', 'vault', 'vault', 'segNew', 'seg'],
  );
  const first = records[0];
  t.true(first?.kind === 'seg' && bytesToHex(first.old) === '0102030405' && first.wordIndex === 3);
  t.deepEqual(
    records.filter((r) => r.kind === 'vault').map((r) => (r.kind === 'vault' ? r.old : -1n)),
    [3n, 4n],
  );
  t.deepEqual(w.diffSince(s), [
    { key: 'vault/7', before: `03${'00'.repeat(15)}`, after: `06${'00'.repeat(15)}` },
    { key: `word/${MODULES[0]}/1`, before: '', after: `08${'00'.repeat(15)}` },
    { key: `word/${MODULES[1]}/3`, before: '0102030405', after: '0109030405' },
  ]);
  w.revertTo(s);
  t.false(w.hasSegment(MODULES[0]));
  t.is(bytesToHex(seg.bytes.subarray(48)), '0102030405');
});
