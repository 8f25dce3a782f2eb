/** SEQ-SOAK-CHECK / SEQ-SOAK-HIST: the checkers flag what they must, on hand-made inputs. */
import test from 'ava';
import { Checkers } from '../../soak/checkers.ts';
import { Simulation } from '../../soak/sim.ts';

test('SEQ-SOAK-HIST an acknowledged intent missing from the chain, or acknowledged with another result, is a violation', (t) => {
  const sim = new Simulation({ seed: 31, events: 1_500 });
  const r = sim.run();
  t.deepEqual(r.violations, []);
  const entry = sim.history.find((h) => h.ok);
  if (!entry) return t.fail('no acknowledged intent');
  const fresh = (): Checkers => {
    const c = new Checkers();
    for (const [h, x] of sim.checkers.canonical) c.canonical.set(h, x);
    return c;
  };
  const ok = fresh();
  ok.history(sim.history);
  t.deepEqual(ok.violations, []);
  const lost = fresh();
  lost.history([{ ...entry, id: 'ff'.repeat(32) }]);
  t.regex(lost.violations[0]?.message ?? '', /appears 0 times/);
  const wrong = fresh();
  wrong.history([{ ...entry, ok: false }]);
  t.regex(wrong.violations[0]?.message ?? '', /result differs/);
});

test('SEQ-SOAK-HIST R4 an acknowledged commit at or after its route expiry is a violation', (t) => {
  const c = new Checkers();
  c.history([
    { client: 0, id: 'aa', kind: 'reserve', submitAt: 0, ackAt: 1, height: 1, blockTime: 10n, ok: true, out: { routeId: '0x5', expiry: '0x14' } },
    { client: 0, id: 'bb', kind: 'commit', routeId: 5n, submitAt: 2, ackAt: 3, height: 2, blockTime: 20n, ok: true },
  ]);
  t.true(c.violations.some((v) => v.check === 'R4' && /committed at 20, expiry 20/.test(v.message)));
});

test('SEQ-DUR-002 a recovered chain shorter than before, or with another block, is a violation', (t) => {
  const sim = new Simulation({ seed: 32, events: 800 });
  sim.run();
  const chain = sim.nodes[0]!.node!.committed;
  const c = new Checkers();
  c.onRecover(0, chain, chain.slice(0, -1));
  t.regex(c.violations[0]?.message ?? '', /lost 1 committed blocks/);
  const d = new Checkers();
  d.onRecover(0, chain, [chain[1]!, ...chain.slice(1)]);
  t.regex(d.violations[0]?.message ?? '', /recovered another block at height 1/);
});
