/**
 * SEQ-QUINT-001 (spec/sequencer.md): models/quint/reserve_commit.qnt — its invariants hold on bounded random
 * simulation (`quint run --backend typescript`), and its ITF traces replay step by step against
 * reference/sequencer (Ledger over the golden-model executor) with equal state after every step
 * (models/quint/reserve-commit-replay.ts). Long runs: `npm run quint:check`.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ledger } from '../../../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../../../reference/sequencer/model-executor.ts';
import { decodeTrace, type ItfTrace } from '../../../models/quint/itf.ts';
import { ReplayMismatch, replayTrace, type ReplayWorld } from '../../../models/quint/reserve-commit-replay.ts';
import { TtlOffByOneExecutor } from '../../../soak/planted.ts';
import { SLAB_A, SLAB_B, SOL_PX, SOL_TICK, USDC } from '../../../soak/venue.ts';
import { DESCRIPTOR, SALT, Signer, T, alice, askBook, bob, execConfig, maker } from '../../sequencer/helpers.ts';

const MODEL = 'models/quint/reserve_commit.qnt';
export const INVARIANTS = ['committedOnce', 'noLateCommit', 'releasedOnce', 'noOpenPastExpiry', 'escrowNonNeg', 'escrowIsOpenCaps', 'debitWithinCap', 'cashConserved'];
const SEED = process.env.QUINT_SEED ?? '0x5eed';
const SAMPLES = 12;
const STEPS = 15;

function quint(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('npx', ['quint', 'run', '--backend', 'typescript', '--main', 'reserve_commit', '--step', 'step', '--seed', SEED, ...args, MODEL], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** A venue with deep ask books on both slabs, built at T (model time 0). */
function world(executor: ModelExecutor = new ModelExecutor(execConfig())): ReplayWorld {
  const ledger = new Ledger(executor);
  const m = new Signer(maker);
  const book = [...askBook(m, SLAB_A), ...askBook(m, SLAB_B)];
  const r = ledger.executeBlock(book, T);
  if (!r.receipts.every((x) => x.ok)) throw new Error(`book: ${JSON.stringify(r.receipts)}`);
  return { ledger, descriptor: DESCRIPTOR, users: [alice, bob], slabs: [SLAB_A, SLAB_B], asset: USDC, t0: T, msPerUnit: 10n, qtyUnit: 1n, limitPx: SOL_PX + 5n * SOL_TICK, salt: SALT, nonces: new Map() };
}

let traces: ItfTrace[] = [];
let sim = { status: null as number | null, out: '' };

test.before(() => {
  const dir = mkdtempSync(join(tmpdir(), 'quint-itf-'));
  try {
    sim = quint(['--max-samples', String(SAMPLES), '--n-traces', String(SAMPLES), '--max-steps', String(STEPS), '--invariants', ...INVARIANTS, '--out-itf', join(dir, 'trace_{seq}.itf.json')]);
    traces = readdirSync(dir).sort().map((f) => decodeTrace(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`SEQ-QUINT-001 F1 F2 F3 R4 the reserve/commit model keeps its invariants (${INVARIANTS.join(', ')}) on ${SAMPLES} samples × ${STEPS} steps, seed ${SEED}`, (t) => {
  t.is(sim.status, 0, sim.out);
  t.regex(sim.out, /No violation found/, sim.out);
});

test(`SEQ-QUINT-001 SEQ-TTL-001 SEQ-STATE-001 every ITF trace of the model replays against reference/sequencer with equal state after each step (seed ${SEED})`, (t) => {
  t.is(traces.length, SAMPLES, sim.out);
  let steps = 0;
  let expired = 0;
  const kinds = new Set<string>();
  for (const [i, tr] of traces.entries()) {
    steps += replayTrace(tr, world(), `seed ${SEED} trace ${i}`);
    for (const s of tr.states) expired += (s['lastExpired'] as unknown[] | undefined)?.length ?? 0;
    for (const s of tr.states) for (const o of (s['lastOutcomes'] ?? []) as { kind: string; ok: boolean; err: string }[]) kinds.add(`${o.kind}:${o.ok ? 'ok' : o.err}`);
  }
  t.is(steps, SAMPLES * STEPS);
  // the traces exercise the paths the invariants are about, not only successes
  for (const k of ['reserve:ok', 'commit:ok', 'cancel:ok']) t.true(kinds.has(k), `${k} never happened: ${[...kinds].join(' ')}`);
  t.true([...kinds].some((k) => k.startsWith('commit:') && !k.endsWith(':ok')), [...kinds].join(' '));
  t.true(expired > 0, 'no route expired at a boundary');
  t.log(`${traces.length} traces × ${STEPS} steps = ${steps} steps compared; ${expired} routes expired at boundaries; outcomes seen: ${[...kinds].sort().join(' ')}`);
});

test('SEQ-QUINT-001 the replay fails on a step the reference disagrees with (a route status flipped in the trace)', (t) => {
  const tr = traces.find((x) => x.states.some((s) => [...((s['st'] as { routes: Map<unknown, { status: string }> }).routes.values())].some((r) => r.status === 'open')));
  if (!tr) return t.fail('no trace with an open route');
  const copy = structuredClone(tr);
  const at = copy.states.findIndex((s) => [...((s['st'] as { routes: Map<unknown, { status: string }> }).routes.values())].some((r) => r.status === 'open'));
  const routes = (copy.states[at]?.['st'] as { routes: Map<unknown, { status: string }> }).routes;
  const [k, r] = [...routes.entries()].find(([, x]) => x.status === 'open') as [unknown, { status: string }];
  routes.set(k, { ...r, status: 'committed' });
  const e = t.throws(() => replayTrace(copy, world(), 'tampered'), { instanceOf: ReplayMismatch });
  t.regex(e?.message ?? '', new RegExp(`step ${at} `));
});

test('SEQ-QUINT-001 a false invariant is reported as violated (the checker can fail)', (t) => {
  const r = quint(['--max-samples', '20', '--max-steps', '10', '--invariant', 'st.commits.keys().size() == 0']);
  t.not(r.status, 0);
  t.regex(r.out, /violation/i, r.out);
});

test('SEQ-QUINT-001 SEQ-SOAK-PLANT the replay catches the planted ttl-off-by-one executor (the TTL sweep uses the previous boundary time)', (t) => {
  const failures: string[] = [];
  for (const [i, tr] of traces.entries()) {
    try {
      replayTrace(tr, world(new TtlOffByOneExecutor(execConfig())), `planted trace ${i}`);
    } catch (e) {
      if (!(e instanceof ReplayMismatch)) throw e;
      failures.push(e.message);
    }
  }
  t.true(failures.length > 0, `seed ${SEED}: no trace caught the planted bug`);
  t.log(`${failures.length}/${traces.length} traces caught it; first: ${failures[0]}`);
});
