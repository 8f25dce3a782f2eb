/**
 * The reservation bounds at bytecode level (issue 5). S9: a deliberately broken Slab commit that debits
 * without comparing the charge with its reservation's max_charge yields a reproduced counterexample (and
 * its regression vector), the same commit with the bound is proved. S8 (spec/symexec.md "S8: induction
 * over segments"): a deliberately broken
 * Slab whose reservation adds to reserved_qty without the unreserved-quantity bound yields a solver model
 * that, replayed on the VM, leaves an order with reserved_qty > qty; its regression vector under
 * conformance/vectors/regressions/ shows the violation again from its JSON. The same Slab with the bound
 * is proved, with a witness.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_VERSION } from '../../../../conformance/format.ts';
import type { CompiledModule } from '../../../../reference/compiler/artifact.ts';
import { readUintLE } from '../../../../reference/lib/u128.ts';
import { assembleToBytes } from '../../../../reference/vm/asm.ts';
import { ModuleStore } from '../../../../reference/vm/store.ts';
import { obligationsFor, type BytecodeObligation, type Subject } from '../../../../models/smt/symexec/index.ts';
import { regressionVector } from '../../../../models/smt/symexec/vector.ts';
import { closeZ3 } from '../../../../models/smt/z3.ts';
import { replayVector } from './replay-vector.ts';

test.after.always(async () => {
  await closeZ3();
});

const DIR = 'test/models/smt/symexec/fixtures/';
/** The fixtures' records: the layouts S8 and S9 find through layout.ts. */
const TEMPLATE = 'template slab;\nstruct Order {\n  qty: u128,\n  reserved_qty: u128,\n}\nstruct Res {\n  max_charge: u128,\n}\n';
const ORDERS = { name: 'orders', type: '[Order; 4]', offset: 0, bytes: 128, capacity: 4, stride: 32 };
const RESS = { name: 'ress', type: '[Res; 4]', offset: 0, bytes: 64, capacity: 4, stride: 16 };

/** A hand-written slab (one entry, u128 parameters, one 4-element pool at storage offset 0) as a proof subject. */
function fixture(file: string, entry: string, params: readonly string[], pool: typeof ORDERS): Subject {
  const store = new ModuleStore();
  const lm = store.add(assembleToBytes(readFileSync(DIR + file, 'utf8'), file));
  store.link(lm.hashHex);
  const entries = [{ name: entry, index: 0, params: params.map((p) => ({ name: p, type: 'u128', words: ['u128'] as const })), results: [], gasBound: 0n }];
  const mod = { name: `slab:${file}`, kind: 'slab', storage: [pool], entries, constants: new Map(), hash: lm.hashHex } as unknown as CompiledModule;
  return { mod, store, lm, template: TEMPLATE };
}

/** Write a reproduced counterexample's vector to a temp file; returns it and the committed one. */
function vectorFiles(t: import('ava').ExecutionContext, ob: BytecodeObligation, name: string): string[] {
  const rep = ob.replayed;
  if (!rep) {
    t.fail('no replay recorded');
    return [];
  }
  const v = regressionVector(rep, name, ob.id, ob.invariants, FORMAT_VERSION);
  // the fresh vector goes to a temp dir (tests never rewrite the tree); the committed one must reproduce too
  const fresh = join(mkdtempSync(join(tmpdir(), 'cx-')), `${name}.json`);
  writeFileSync(fresh, JSON.stringify({ format: FORMAT_VERSION, vectors: [v] }, null, 2) + '\n');
  t.log(`fresh vector: ${fresh}`);
  return [fresh, `conformance/vectors/regressions/${name}.json`];
}

test.serial('S9 a slab commit that debits without the max_charge bound yields a reproduced counterexample whose vector debits more than the reservation allows', async (t) => {
  const ob = obligationsFor(fixture('slab-commit-over-max.casm', 'commit', ['slot', 'cap', 'charge'], RESS)).find((o) => o.id.endsWith('commit/S9-within-max-charge'));
  if (!ob) return t.fail('no S9 obligation for the fixture');
  const r = await ob.run({ timeoutMs: 30_000 });
  t.is(r.verdict, 'counterexample', r.reason);
  t.true(r.counterexample?.reproduced);
  for (const file of vectorFiles(t, ob, 'slab-commit-over-max')) {
    const { res, before, world, args, lm } = replayVector(JSON.parse(readFileSync(file, 'utf8')).vectors[0]);
    t.is(res.status, 'ok', `${file}: the broken commit completes`);
    const max = before.hasSegment(lm.hashHex) ? readUintLE(before.segment(lm.hashHex, 0).bytes, 16 * Number(args[0]), 16) : 0n;
    const debited = (before.cap(args[1]!)?.remaining ?? 0n) - (world.cap(args[1]!)?.remaining ?? 0n);
    t.true(debited > max, `${file}: the cap was debited ${debited} > the reservation's max_charge ${max} (S9 violated)`);
  }
});

test.serial('S9 the same commit with the bound is proved, not vacuous', async (t) => {
  const ob = obligationsFor(fixture('slab-commit-within-max.casm', 'commit', ['slot', 'cap', 'charge'], RESS)).find((o) => o.id.endsWith('commit/S9-within-max-charge'));
  if (!ob) return t.fail('no S9 obligation for the fixture');
  const r = await ob.run({ timeoutMs: 30_000 });
  t.is(r.verdict, 'proved', r.reason);
  t.truthy(r.witness);
});

const s8 = (file: string) => obligationsFor(fixture(file, 'reserve', ['order', 'amount'], ORDERS)).find((o) => o.id.endsWith('/S8-reserved-within-qty'));

test.serial('S8 a slab reservation without the unreserved bound yields a reproduced counterexample whose vector leaves reserved_qty above qty', async (t) => {
  const ob = s8('slab-reserve-unbounded.casm');
  if (!ob) return t.fail('no S8 obligation for the fixture');
  const r = await ob.run({ timeoutMs: 30_000 });
  t.is(r.verdict, 'counterexample', r.reason);
  t.true(r.counterexample?.reproduced);
  for (const file of vectorFiles(t, ob, 'slab-reserve-unbounded')) {
    const { res, before, world, args, lm } = replayVector(JSON.parse(readFileSync(file, 'utf8')).vectors[0]);
    t.is(res.status, 'ok', `${file}: the broken reserve completes`);
    const i = Number(args[0]);
    const word = (w: typeof world, off: number) => (w.hasSegment(lm.hashHex) ? readUintLE(w.segment(lm.hashHex, 0).bytes, 32 * i + off, 16) : 0n);
    t.true(word(before, 16) <= word(before, 0), `${file}: order ${i} held S8 before the call`);
    t.true(word(world, 16) > word(world, 0), `${file}: order ${i} has reserved_qty ${word(world, 16)} > qty ${word(world, 0)} after it (S8 violated)`);
  }
});

test.serial('S8 the same slab with the bound is proved, not vacuous', async (t) => {
  const ob = s8('slab-reserve-bounded.casm');
  if (!ob) return t.fail('no S8 obligation for the fixture');
  const r = await ob.run({ timeoutMs: 30_000 });
  t.is(r.verdict, 'proved', r.reason);
  t.truthy(r.witness);
});
