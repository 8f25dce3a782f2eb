/**
 * PROOF-RUN-006: every solver query of the prover runs under a z3 resource limit (`rlimit`) derived from its
 * budget, with a wall-clock timeout only as an outer safety net; the units spent are recorded per obligation.
 */
import test from 'ava';
import fc from 'fast-check';
import { queryLimits, RLIMIT_PER_MS, WALL_FACTOR } from '../../../models/smt/budget.ts';
import { proveOne } from '../../../models/smt/prove.ts';
import { specObligations } from '../../../models/smt/spec/index.ts';
import { checkWithin, closeZ3, rlimitSpent, z3, z3Context, type Z3Context } from '../../../models/smt/z3.ts';

test.after.always(() => closeZ3());

/** x·y = 10007·10009 over 64-bit words with 1 < x, y < 2^14: sat, but not in a handful of solver steps. */
async function factoring(fresh?: string) {
  const ctx = fresh ? ((await z3()).Context(fresh) as unknown as Z3Context) : await z3Context();
  const s = new ctx.Solver();
  const x = ctx.BitVec.const('x', 64);
  const y = ctx.BitVec.const('y', 64);
  s.add(x.mul(y).eq(ctx.BitVec.val(10007n * 10009n, 64)), x.ugt(1), y.ugt(1), x.ult(1 << 14), y.ult(1 << 14));
  return s;
}

test.serial('PROOF-RUN-006 a tiny rlimit makes a query unknown by the resource limit; the default budget decides it', async (t) => {
  const tiny = await factoring();
  try {
    const r = await checkWithin(tiny, { rlimit: 1000, wallMs: 600_000 });
    t.is(r.result, 'unknown');
    t.regex(r.reason, /resource limit reached \(rlimit 1000\)/);
    t.true(r.rlimit >= 1000, `spent ${r.rlimit}`);
  } finally {
    tiny.release();
  }
  const full = await factoring();
  try {
    const before = rlimitSpent();
    const r = await checkWithin(full, 60_000);
    t.is(r.result, 'sat');
    t.true(r.rlimit > 1000 && r.rlimit < queryLimits(60_000).rlimit, `spent ${r.rlimit}`);
    t.is(rlimitSpent() - before, r.rlimit);
  } finally {
    full.release();
  }
});

test.serial('PROOF-RUN-006 the units a query spends do not depend on the wall clock: the same query in a fresh z3 context spends the same', async (t) => {
  const spent: number[] = [];
  for (let i = 0; i < 2; i++) {
    const s = await factoring(`fresh${i}`);
    try {
      spent.push((await checkWithin(s, 60_000)).rlimit);
    } finally {
      s.release();
    }
  }
  t.is(spent[0], spent[1]);
});

test('PROOF-RUN-006 a budget of B ms is an rlimit of B × RLIMIT_PER_MS (capped at 2^32 − 1) and a wall-clock net of WALL_FACTOR × B', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (a, b) => {
      const [la, lb] = [queryLimits(a), queryLimits(b)];
      if (la.rlimit !== Math.min(2 ** 32 - 1, a * RLIMIT_PER_MS) || la.wallMs !== a * WALL_FACTOR) return false;
      return a <= b ? la.rlimit <= lb.rlimit && la.wallMs <= lb.wallMs : la.rlimit >= lb.rlimit && la.wallMs >= lb.wallMs;
    }),
  );
  t.pass();
});

test.serial('PROOF-RUN-006 proveOne records the z3 units an obligation spent; a budget too small for it is unknown by the resource limit', async (t) => {
  const o = specObligations().find((x) => x.id === 'MARGIN/RM1/im-monotone');
  if (!o) return t.fail('MARGIN/RM1/im-monotone is missing');
  let now = 0;
  const e = await proveOne(o, 60_000, () => now++);
  t.is(e.verdict, 'proved');
  t.true((e.rlimit ?? 0) > 1000, `spent ${e.rlimit}`);
  // 1/RLIMIT_PER_MS of a millisecond: a budget of one unit per query
  const small = await proveOne(o, 1 / RLIMIT_PER_MS, () => now++);
  t.is(small.verdict, 'unknown');
  t.regex(small.reason ?? '', /resource limit reached/);
});
