/**
 * The prover's worker pool (spec/proofs.md PROOF-RUN-001..004, cli/prove-pool.ts): a worker's abort is its
 * obligation's `unknown` verdict with the reason and the run goes on; an abort in a worker that had run
 * other obligations is retried once in a fresh worker; a hang is killed at the hard limit; entries come
 * back in list order whatever the schedule; workers are recycled; the run ends by itself.
 */
import test from 'ava';
import { runPool } from '../../../cli/prove-pool.ts';
import { obligations } from './fixtures/pool-obligations.ts';

const SOURCE = new URL('./fixtures/pool-obligations.ts', import.meta.url).pathname;
const VENUE = { file: 'none.curve', text: '' };
const TEMPLATES = { router: { file: 'r', text: '' }, slab: { file: 's', text: '' }, oracle: { file: 'o', text: '' } };

async function run(selected: readonly number[] | undefined, settings: Parameters<typeof runPool>[1]) {
  const all = await obligations();
  const order: string[] = [];
  const r = await runPool({ venue: VENUE, templates: TEMPLATES as never, all, selected: selected ?? all.map((_, i) => i), source: SOURCE, onEntry: (e) => order.push(e.id) }, settings);
  return { ...r, all, order };
}

test('PROOF-RUN-001 an abort, a throw and a hang are unknown with their reason; every other obligation is proved, in list order', async (t) => {
  const r = await run(undefined, { workers: 2, timeoutMs: 1000, hardLimitS: 3 });
  const by = Object.fromEntries(r.report.entries.map((e) => [e.id, e]));
  t.deepEqual(
    r.report.entries.map((e) => e.id),
    r.all.map((o) => o.id),
  );
  t.deepEqual(r.decided, r.all.map(() => true));
  // abort-after-others is proved either way: first in a fresh worker, or retried in one after its abort
  for (const id of ['T/a/one', 'T/b/two', 'T/b/abort-after-others', 'T/c/three', 'T/d/four']) t.is(by[id]?.verdict, 'proved', id);
  t.is(by['T/a/throws']?.verdict, 'unknown');
  t.is(by['T/a/throws']?.reason, 'error: encoding broke');
  t.is(by['T/a/abort']?.verdict, 'unknown');
  t.regex(by['T/a/abort']?.reason ?? '', /worker ended \(exit 70\): Aborted\(OOM\)/);
  t.is(by['T/c/hang']?.verdict, 'unknown');
  t.regex(by['T/c/hang']?.reason ?? '', /hard limit of 3 s/);
  t.is(r.report.proved, 5);
  t.is(r.report.unknown, 3);
  t.is(r.stats.killed, 1);
  t.true(r.stats.crashed >= 1);
});

test('PROOF-RUN-002 an abort in a worker that ran other obligations is retried alone in a fresh worker', async (t) => {
  const all = await obligations();
  const at = (id: string): number => all.findIndex((o) => o.id === id);
  // one worker: T/b/two runs first, so T/b/abort-after-others aborts there and proves in the fresh worker
  const r = await run([at('T/b/two'), at('T/b/abort-after-others')], { workers: 1, timeoutMs: 1000 });
  t.deepEqual(
    r.report.entries.map((e) => [e.id, e.verdict]),
    [
      ['T/b/two', 'proved'],
      ['T/b/abort-after-others', 'proved'],
    ],
  );
  t.is(r.stats.retried, 1);
  t.is(r.stats.started, 2);
  t.deepEqual(
    r.stats.crashes.map((c) => [c.id, c.retried]),
    [['T/b/abort-after-others', true]],
  );
  t.regex(r.stats.crashes[0]?.reason ?? '', /Aborted\(OOM\).*resident \d+ MiB/);
  // an abort in a fresh worker is not retried
  const alone = await run([at('T/a/abort')], { workers: 1, timeoutMs: 1000 });
  t.is(alone.report.entries[0]?.verdict, 'unknown');
  t.is(alone.stats.retried, 0);
});

test('PROOF-RUN-003 workers are recycled after N obligations; entries stay in list order', async (t) => {
  const all = await obligations();
  const ok = ['T/a/one', 'T/b/two', 'T/c/three', 'T/d/four'].map((id) => all.findIndex((o) => o.id === id));
  const r = await run(ok, { workers: 1, timeoutMs: 1000, recycleAfter: 2 });
  t.deepEqual(
    r.report.entries.map((e) => e.verdict),
    ['proved', 'proved', 'proved', 'proved'],
  );
  t.is(r.stats.started, 2);
  t.is(r.stats.recycled, 1);
  // each worker's second obligation saw one run before it: the two workers ran two each
  t.deepEqual(
    r.report.entries.map((e) => e.result.witness?.ran),
    ['0', '1', '0', '1'],
  );
});

test('PROOF-RUN-004 a budget stop leaves the undecided obligations without an entry', async (t) => {
  const all = await obligations();
  const r = await run([all.findIndex((o) => o.id === 'T/a/one'), all.findIndex((o) => o.id === 'T/c/hang')], { workers: 1, timeoutMs: 1000, hardLimitS: 120, budgetS: 20 });
  t.deepEqual(r.decided, [true, false]);
  t.deepEqual(
    r.report.entries.map((e) => e.id),
    ['T/a/one'],
  );
  t.regex(r.stopped ?? '', /time budget/);
});

test('PROOF-RUN-001 an obligation the worker\'s list does not hold (sources changed during the run) is unknown; the rest run', async (t) => {
  const all = await obligations();
  const ghost = { ...all[0]!, id: 'T/ghost/not-in-the-worker' };
  const r = await runPool({ venue: VENUE, templates: TEMPLATES as never, all: [...all, ghost], selected: [0, all.length], source: SOURCE }, { workers: 1, timeoutMs: 1000 });
  t.deepEqual(
    r.report.entries.map((e) => e.verdict),
    ['proved', 'unknown'],
  );
  t.regex(r.report.entries[1]?.reason ?? '', /has no T\/ghost\/not-in-the-worker \(the sources changed during the run\)/);
  t.true(r.stats.sourcesChanged);
});
