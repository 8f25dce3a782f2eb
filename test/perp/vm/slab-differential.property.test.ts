/**
 * The slab differential (spec/perp.md §14; PERP-OBS-001): random command sequences run on the golden
 * model's slab and on stdlib/slab.curve compiled and executed on CurveVM, with the test playing the
 * Router on both (harness.ts). After every step the outputs or error codes, the whole observable snapshot
 * (slab, custody, router books, events) and the model's invariant checker must agree / pass. Failures
 * shrink and print their seed (fast-check).
 */
import test from 'ava';
import fc from 'fast-check';
import * as M from '../../../reference/perp/model/index.ts';
import { BACKUP, Desk, FEED, ModelSide, PX, ROUTER, snapshot, TICK, USERS, VmSide, type Backend, type Out } from './harness.ts';

interface Real {
  readonly sides: readonly [ModelSide, VmSide];
  readonly desks: readonly [Desk, Desk];
  now: bigint;
  /** Order ids placed so far (from the model's outputs), for cancels. */
  readonly orders: bigint[];
  oracleTime: bigint;
}

const canon = (x: unknown): string =>
  JSON.stringify(x, (_, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return [...v].join(',');
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => (a < b ? -1 : 1)));
    return v;
  });

/** Run `f` on both sides; outputs, snapshots and invariants must agree. */
function both<T>(r: Real, what: string, f: (d: Desk, b: Backend) => Out<T> | undefined): Out<T> | undefined {
  const [a, b] = [f(r.desks[0], r.sides[0]), f(r.desks[1], r.sides[1])];
  if (canon(a) !== canon(b)) throw new Error(`${what} at ${r.now}: outputs differ\nmodel ${canon(a)}\nvm    ${canon(b)}`);
  const [sa, sb] = [canon(snapshot(r.sides[0])), canon(snapshot(r.sides[1]))];
  if (sa !== sb) throw new Error(`${what} at ${r.now}: observables differ\nmodel ${sa}\nvm    ${sb}`);
  for (const side of r.sides) {
    const bad = M.checkInvariants(side.view());
    if (bad.length) throw new Error(`${what} at ${r.now}: ${side === r.sides[0] ? 'model' : 'vm'} invariants: ${bad.join('; ')}`);
  }
  return a;
}

type Cmd = fc.Command<object, Real>;

const cmd = (name: string, run: (r: Real) => void): Cmd => ({
  check: () => true,
  run: (_m, r) => run(r),
  toString: () => name,
});

const user = fc.nat(USERS.length - 1).map((i) => USERS[i] as bigint);
const dt = fc.oneof(fc.constant(0n), fc.bigInt(1n, 60n), fc.bigInt(50n, 400n));

const place = fc.record({ u: user, side: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(0n, 1n) }, { weight: 1, arbitrary: fc.constant(2n) }), off: fc.integer({ min: -4, max: 4 }), qty: fc.oneof({ weight: 12, arbitrary: fc.bigInt(1n, 5n) }, { weight: 1, arbitrary: fc.constant(0n) }), offTick: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), dt }).map((c) =>
  cmd(`place(${c.u},${c.side},${c.off},${c.qty},${c.offTick},${c.dt})`, (r) => {
    r.now += c.dt;
    const px = PX + BigInt(c.off) * TICK + (c.offTick ? 1n : 0n);
    const o = both(r, 'place', (_d, b) => b.place(r.now, c.u, 0n, c.side, px, c.qty));
    if (o?.ok) r.orders.push(o.out.orderId);
  }),
);

const cancelOrder = fc.record({ u: user, k: fc.nat(30), forge: fc.boolean() }).map((c) =>
  cmd(`cancelOrder(${c.u},${c.k},${c.forge})`, (r) => {
    const id = r.orders.length && !c.forge ? (r.orders[c.k % r.orders.length] as bigint) : BigInt(c.k) * 0x100001n;
    both(r, 'cancelOrder', (_d, b) => b.cancelOrder(r.now, c.u, id));
  }),
);

const cancelOwn = fc.record({ k: fc.nat(30) }).map((c) =>
  cmd(`cancelOwn(${c.k})`, (r) => {
    const s = r.sides[0].st.slabs.get(r.sides[0].slabId) as M.SlabState;
    const live = s.orders.slots.filter((o): o is M.Order => o !== null);
    const o = live[c.k % Math.max(1, live.length)];
    if (o) both(r, 'cancelOwn', (_d, b) => b.cancelOrder(r.now, o.owner, o.id));
  }),
);

const batch = dt.map((d) =>
  cmd(`batchOpen(${d})`, (r) => {
    r.now += d;
    both(r, 'batchOpen', (_d, b) => b.batchOpen(r.now));
  }),
);

const reserve = fc
  .record({ u: user, side: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(0n, 1n) }, { weight: 1, arbitrary: fc.constant(3n) }), qty: fc.oneof({ weight: 12, arbitrary: fc.bigInt(1n, 3n) }, { weight: 1, arbitrary: fc.constant(0n) }), off: fc.integer({ min: -1, max: 6 }), ttl: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(100n, 5_000n) }, { weight: 1, arbitrary: fc.constant(0n) }), capTtl: fc.constantFrom(50n, 5_000n), short: fc.constantFrom(0n, 0n, 0n, 1n), salt: fc.nat(1000), dt })
  .map((c) =>
    cmd(`reserve(${c.u},${c.side},${c.qty},${c.off},${c.ttl},${c.capTtl},${c.short},${c.salt},${c.dt})`, (r) => {
      r.now += c.dt;
      const limit = c.side === 0n ? PX + BigInt(c.off) * TICK : PX - BigInt(c.off) * TICK;
      both(r, 'reserve', (d) => d.reserve(r.now, c.u, c.side, c.qty, limit, c.ttl, c.capTtl, c.short, c.salt));
    }),
  );

/** 0 honest, 1 wrong salt, 2 wrong qty, 3 another leg's cap, 4 no such cap, 5 wrong side. */
const commit = fc.record({ k: fc.oneof(fc.constant(0), fc.nat(20)), variant: fc.constantFrom(0, 0, 0, 0, 1, 2, 3, 4, 5), dt }).map((c) =>
  cmd(`commit(${c.k},${c.variant},${c.dt})`, (r) => {
    r.now += c.dt;
    both(r, 'commit', (d) => {
      if (!d.legs.length) return undefined;
      const i = d.legs.length - 1 - (c.k % d.legs.length);
      const leg = d.legs[i] as (typeof d.legs)[number];
      const other = d.legs[(i + 1) % d.legs.length] as (typeof d.legs)[number];
      const rv = leg.reveal;
      const reveal = c.variant === 1 ? { ...rv, salt: rv.salt.map((x) => x ^ 1) } : c.variant === 2 ? { ...rv, qty: rv.qty + 1n } : c.variant === 5 ? { ...rv, side: 1n - rv.side } : rv;
      const cap = c.variant === 3 ? other.capId : c.variant === 4 ? 999n : leg.capId;
      return d.commit(r.now, i, reveal, cap);
    });
  }),
);

const cancelHold = fc.record({ k: fc.nat(20), times: fc.integer({ min: 1, max: 2 }) }).map((c) =>
  cmd(`cancelHold(${c.k}×${c.times})`, (r) => {
    for (let n = 0; n < c.times; n++) both(r, 'cancelHold', (d) => (d.legs.length ? d.cancel(r.now, c.k % d.legs.length) : undefined));
  }),
);

/** Oracle moves, spikes (far from the book: the kill band trips), staleness and the failover feed. */
const oracle = fc.record({ feed: fc.constantFrom(FEED, FEED, FEED, BACKUP), off: fc.integer({ min: -30, max: 30 }), spike: fc.boolean(), age: fc.constantFrom(0n, 0n, 500n, 3_000n), dt }).map((c) =>
  cmd(`oracle(${c.feed === FEED ? 'main' : 'backup'},${c.off},${c.spike},${c.age},${c.dt})`, (r) => {
    r.now += c.dt;
    const price = c.spike ? PX * 3n : PX + BigInt(c.off) * 50n;
    const t = r.now - c.age > r.oracleTime ? r.now - c.age : r.oracleTime + 1n;
    r.oracleTime = t;
    for (const s of r.sides) s.publish(c.feed, price, t);
    both(r, 'oracle', () => ({ ok: true, out: null }));
  }),
);

const funding = fc.oneof(fc.bigInt(0n, 1_200n), fc.constant(2_500n)).map((d) =>
  cmd(`funding(${d})`, (r) => {
    r.now += d;
    both(r, 'funding', (_d, b) => b.fundingTick(r.now));
  }),
);

const liquidation = fc.record({ u: user, band: fc.constantFrom(0n, 200n, 2_000n, 20_000n), router: fc.constantFrom(true, true, true, false) }).map((c) =>
  cmd(`liquidation(${c.u},${c.band},${c.router})`, (r) => {
    both(r, 'liquidation', (_d, b) => b.liquidationCall(r.now, c.u, c.band, c.router ? ROUTER : c.u));
  }),
);

const settle = user.map((u) =>
  cmd(`settle(${u})`, (r) => {
    both(r, 'settle', (d) => d.settle(r.now, u));
  }),
);

/** A whole honest round: a DLP maker posts LIVE, a taker reserves against it and commits at once (fills, fees, tax, trades). */
const round = fc.record({ m: fc.constantFrom(0, 1), u: fc.integer({ min: 2, max: 4 }), side: fc.constantFrom(0n, 1n), qty: fc.bigInt(1n, 3n), off: fc.integer({ min: -2, max: 2 }), salt: fc.nat(1000) }).map((c) =>
  cmd(`round(${c.m},${c.u},${c.side},${c.qty},${c.off})`, (r) => {
    const maker = USERS[c.m] as bigint;
    const taker = USERS[c.u] as bigint;
    const px = PX + BigInt(c.off) * TICK;
    const o = both(r, 'round.place', (_d, b) => b.place(r.now, maker, 0n, 1n - c.side, px, c.qty));
    if (o?.ok) r.orders.push(o.out.orderId);
    const res = both(r, 'round.reserve', (d) => d.reserve(r.now, taker, c.side, c.qty, c.side === 0n ? px + 4n * TICK : px - 4n * TICK, 5_000n, 5_000n, 0n, c.salt));
    if (res?.ok) both(r, 'round.commit', (d) => d.commit(r.now, d.legs.length - 1, (d.legs[d.legs.length - 1] as (typeof d.legs)[number]).reveal, (d.legs[d.legs.length - 1] as (typeof d.legs)[number]).capId));
  }),
);

/** Governance through the router (DLP set, fees within the caps) and the Router's margin read. */
const governance = fc.record({ u: user, on: fc.boolean(), maker: fc.bigInt(0n, 10n), taker: fc.bigInt(0n, 30n), fees: fc.boolean() }).map((c) =>
  cmd(`governance(${c.u},${c.on},${c.fees ? `${c.maker}/${c.taker}` : '-'})`, (r) => {
    if (c.fees) both(r, 'setFees', (_d, b) => b.setFees(r.now, c.maker, c.taker));
    else both(r, 'setDlp', (_d, b) => b.setDlp(r.now, c.u, c.on));
    both(r, 'position', (_d, b) => b.position(r.now, c.u));
  }),
);

const commands = [governance, round, round, round, place, place, place, place, cancelOrder, cancelOwn, batch, batch, reserve, reserve, reserve, reserve, commit, commit, commit, cancelHold, oracle, oracle, funding, liquidation, settle];

function setup(): { model: object; real: Real } {
  const vm = new VmSide();
  const mo = new ModelSide(vm.slabId, vm.slab.params);
  const real: Real = { sides: [mo, vm], desks: [new Desk(mo), new Desk(vm)], now: 1_000_100n, orders: [], oracleTime: 1_000_100n };
  for (const s of real.sides) s.publish(FEED, PX, real.now);
  return { model: {}, real };
}

test('OBS1 S1–S12 P5 P7 M1–M11 R1–R10 VAL1: slab on CurveVM equals the golden model after every step of random command sequences', (t) => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 60, size: 'large' }), (cmds) => {
      fc.modelRun(setup, cmds);
    }),
    { numRuns: 60 },
  );
  t.pass();
});
