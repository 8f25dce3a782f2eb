/**
 * SEQ-EXE-005: the VM executor (reference/sequencer/vm-executor.ts) runs blocks as Router/Slab calls on
 * CurveVM and gives the same receipts and state roots as the model executor on the same genesis (the
 * compiled soak venue, soak/vm-venue.ts) and blocks — after every block, for seeded random blocks of every
 * intent kind. Also SEQ-EXE-003 (durable copy), SEQ-STATE-001 (retired routes) and SEQ-STALE-002 on the VM.
 */
import test from 'ava';
import fc from 'fast-check';
import { bytesToHex } from '../../reference/lib/hex.ts';
import { Prng } from '../../reference/lib/prng.ts';
import * as M from '../../reference/perp/model/index.ts';
import { commitment, routeId as routeIdOf } from '../../reference/script/ids.ts';
import type { Intent, IntentBody } from '../../reference/sequencer/intent.ts';
import { Ledger } from '../../reference/sequencer/ledger.ts';
import { ModelExecutor } from '../../reference/sequencer/model-executor.ts';
import { VmExecutor } from '../../reference/sequencer/vm-executor.ts';
import { BTC_FEED, SOL_BACKUP, SOL_FEED } from '../../soak/venue.ts';
import { compileSoakVenue, soakVmGenesis } from '../../soak/vm-venue.ts';
import { stdlibTemplates } from '../stdlib-templates.ts';
import { Signer, accounts, alice, bob, maker, oracle, operator } from './helpers.ts';

const modules = compileSoakVenue(stdlibTemplates());
const g = soakVmGenesis(modules, accounts);
const config = { exposureCeiling: 40n, staleWindows: 4n };
const pair = (Vm: typeof VmExecutor = VmExecutor): { model: Ledger; vm: Ledger } => ({
  model: new Ledger(new ModelExecutor({ genesis: g.st, ...config })),
  vm: new Ledger(new Vm({ vm: g.vm, ...config })),
});

/** A planted bug: a VM executor that forgets SEQ-STATE-001 (closed routes stay in its state). */
class NoRetireVmExecutor extends VmExecutor {
  protected override retireClosedRoutes(): void {}
}
const T = 2_000n;
const SALT = '07'.repeat(32);
const saltBytes = Uint8Array.from(Buffer.from(SALT, 'hex'));
const js = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

/** Random blocks of every intent kind, built from what the model ledger holds (open routes, resting orders). */
class Driver {
  readonly signers = { maker: new Signer(maker), alice: new Signer(alice), bob: new Signer(bob), oracle: new Signer(oracle), operator: new Signer(operator) };
  readonly orders: { s: Signer; slab: bigint; id: bigint }[] = [];
  readonly routes: { s: Signer; id: bigint; legs: { side: 0 | 1; qty: bigint; limitPx: bigint }[] }[] = [];
  solPx = g.solPx;

  constructor(
    readonly p: Prng,
    readonly model: Ledger,
  ) {}

  private slab(): bigint {
    return this.p.pick([g.slabs.a, g.slabs.b, g.slabs.btc]);
  }

  private px(slab: bigint): bigint {
    return slab === g.slabs.btc ? g.btcPx : this.solPx;
  }

  private tick(slab: bigint): bigint {
    return slab === g.slabs.btc ? g.slabs.btcTick : g.slabs.solTick;
  }

  intent(): { s: Signer; body: IntentBody } {
    const p = this.p;
    const trader = p.pick([this.signers.alice, this.signers.bob]);
    const k = p.below(12);
    if (k < 3) {
      const slab = this.slab();
      const side = p.below(2) as 0 | 1;
      const px = this.px(slab) + (side === 1 ? 1n : -1n) * BigInt(p.range(1, 6)) * this.tick(slab);
      return { s: this.signers.maker, body: { kind: 'order', slab, instrument: 0n, side, px, qty: BigInt(p.range(5, 20)) } };
    }
    if (k < 5) {
      const st = (this.model.executor as ModelExecutor).state;
      const s = trader;
      const rid = routeIdOf(s.account, st.router.routeNonce.get(s.account) ?? 0n);
      const side = p.below(2) as 0 | 1;
      const slabs = p.chance(1, 3) ? [g.slabs.a, g.slabs.b] : [this.slab()];
      const qty = BigInt(p.range(1, 4));
      const legs = slabs.map((slab) => ({ slab, instrument: 0n, side, qty, limitPx: this.px(slab) + (side === 0 ? 8n : -8n) * this.tick(slab) }));
      this.routes.push({ s, id: rid, legs });
      const ttlMs = BigInt(p.pick([150, 1_000, 5_000]));
      return { s, body: { kind: 'reserve', legs: legs.map((l) => ({ ...l, commitment: bytesToHex(commitment(rid, 0n, BigInt(side), l.qty, l.limitPx, saltBytes)) })), ttlMs } };
    }
    if (k < 7 && this.routes.length) {
      const r = p.pick(this.routes);
      const salt = p.chance(1, 6) ? '08'.repeat(32) : SALT;
      return { s: r.s, body: { kind: 'commit', routeId: r.id, chosen: r.legs.map((l, leg) => ({ leg, side: l.side, qty: l.qty, limitPx: l.limitPx, salt })) } };
    }
    if (k === 7 && this.routes.length) {
      const r = p.pick(this.routes);
      return { s: r.s, body: { kind: 'cancel', routeId: r.id } };
    }
    if (k === 8) {
      this.solPx += BigInt(p.range(-3, 3)) * g.slabs.solTick;
      return { s: this.signers.oracle, body: { kind: 'oracle', feed: p.pick([SOL_FEED, SOL_BACKUP, BTC_FEED]), price: this.solPx } };
    }
    if (k === 9) return { s: this.signers.operator, body: { kind: 'slab_status', slab: p.pick([g.slabs.a, g.slabs.b]), down: p.chance(1, 2) } };
    if (k === 10 && this.orders.length) {
      const o = p.pick(this.orders);
      return { s: o.s, body: { kind: 'cancel_order', slab: o.slab, orderId: o.id } };
    }
    return { s: trader, body: p.chance(1, 2) ? { kind: 'deposit', amount: BigInt(p.range(1, 1_000_000)) } : { kind: 'withdraw', amount: BigInt(p.range(1, 1_000_000)) } };
  }

  block(n: number): Intent[] {
    return Array.from({ length: n }, () => {
      const { s, body } = this.intent();
      return s.sign(body, g.descriptor);
    });
  }

  /** Learns order ids from the receipts (cancels of real orders). */
  learn(intents: readonly Intent[], receipts: readonly { ok: boolean; out?: Readonly<Record<string, string>> }[]): void {
    receipts.forEach((r, i) => {
      const it = intents[i] as Intent;
      if (r.ok && it.body.kind === 'order' && r.out?.orderId) this.orders.push({ s: this.signers.maker, slab: it.body.slab, id: BigInt(r.out.orderId) });
    });
  }
}

/** Runs `blocks` seeded random blocks through both executors; the first difference (root or receipt) as a message, or null. */
function differential(seed: number, blocks: number, Vm: typeof VmExecutor = VmExecutor): { diff: string | null; ok: Map<string, number> } {
  const { model, vm } = pair(Vm);
  const d = new Driver(new Prng(seed), model);
  const ok = new Map<string, number>();
  let t = T;
  for (let h = 0; h < blocks; h++) {
    t += BigInt(d.p.pick([10, 60, 200, 1_200]));
    const intents = d.block(d.p.range(1, 8));
    const a = model.executeBlock(intents, t);
    const b = vm.executeBlock(intents, t);
    d.learn(intents, a.receipts);
    for (const r of a.receipts) ok.set(`${r.kind} ${r.ok ? 'ok' : r.error}`, (ok.get(`${r.kind} ${r.ok ? 'ok' : r.error}`) ?? 0) + 1);
    if (a.root !== b.root) {
      const ea = new Map(model.entries().map((e) => [e.key, Buffer.from(e.value).toString()]));
      const first = vm.entries().find((e) => ea.get(e.key) !== Buffer.from(e.value).toString());
      return { diff: `seed ${seed} height ${h}: root ${a.root.slice(0, 12)} ≠ ${b.root.slice(0, 12)}, first differing key ${first?.key ?? '(a key missing on the VM)'}`, ok };
    }
    const ra = js(a.receipts);
    const rb = js(b.receipts);
    if (ra !== rb) return { diff: `seed ${seed} height ${h}: receipts differ\nmodel ${ra}\nvm    ${rb}`, ok };
    if (js(a.boundary) !== js(b.boundary)) return { diff: `seed ${seed} height ${h}: boundary reports differ`, ok };
    const inv = vm.executor.checkInvariants(t);
    if (inv.length) return { diff: `seed ${seed} height ${h}: VM invariants ${inv.join('; ')}`, ok };
  }
  return { diff: null, ok };
}

test('SEQ-EXE-005 model and VM executors give equal genesis roots', (t) => {
  const { model, vm } = pair();
  t.is(vm.root, model.root);
  t.true(vm.entries().some((e) => e.key.startsWith(`perp/slabs/`)));
});

test('SEQ-EXE-005 a seeded run of 40 blocks: equal receipts and roots after every block, with fills, expiries and failures exercised', (t) => {
  const { diff, ok } = differential(7, 40);
  t.is(diff, null);
  // the run is not vacuous: orders rest, routes reserve and commit, and failures happen
  for (const k of ['order ok', 'reserve ok', 'commit ok', 'oracle ok']) t.true((ok.get(k) ?? 0) > 0, `${k}: ${JSON.stringify([...ok])}`);
  t.true([...ok.keys()].some((k) => !k.endsWith(' ok')), 'some intent fails');
});

test('SEQ-EXE-005 property: random blocks of every intent kind give equal roots on the model and on CurveVM', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      const { diff } = differential(seed, 12);
      if (diff !== null) throw new Error(diff);
    }),
    { numRuns: Number(process.env.VM_EXEC_RUNS ?? 6) },
  );
  t.pass();
});

test('SEQ-EXE-005 the comparison has teeth: a VM executor that skips route retirement is caught at a root with the first differing key', (t) => {
  const { diff } = differential(7, 40, NoRetireVmExecutor);
  t.regex(diff ?? '', /root .* first differing key perp\/(custody\/caps|router\/routes)\//);
});

test('SEQ-EXE-003 restore(snapshot()) on the VM executor gives equal entries, and snapshots are not mutated by later blocks', (t) => {
  const { model, vm } = pair();
  const d = new Driver(new Prng(3), model);
  for (let h = 0; h < 6; h++) {
    const b = d.block(5);
    d.learn(b, model.executeBlock(b, T + BigInt(h) * 100n).receipts);
    vm.executeBlock(b, T + BigInt(h) * 100n);
  }
  const snap = vm.snapshot();
  const root = vm.root;
  const fork = vm.fork();
  const more = d.block(6);
  vm.executeBlock(more, T + 1_000n);
  t.not(vm.root, root);
  t.is(fork.root, root);
  const back = Ledger.restore(new VmExecutor({ vm: g.vm, ...config }), snap);
  t.is(back.root, root);
  t.is(back.executeBlock(more, T + 1_000n).root, vm.root);
});

/** A maker's asks on `book`, and alice's first route: one buy leg of 2 on SOL slab A. */
function oneRoute(book: bigint): { a: Signer; asks: Intent[]; rid: bigint; limitPx: bigint; reserve: Intent } {
  const m = new Signer(maker);
  const a = new Signer(alice);
  const asks = [1n, 2n].map((i) => m.sign({ kind: 'order', slab: book, instrument: 0n, side: 1, px: g.solPx + i * g.slabs.solTick, qty: 10n }, g.descriptor));
  const leg = { slab: g.slabs.a, instrument: 0n, side: 0 as const, qty: 2n, limitPx: g.solPx + 5n * g.slabs.solTick };
  const rid = routeIdOf(a.account, 0n);
  const reserve = a.sign({ kind: 'reserve', legs: [{ ...leg, commitment: bytesToHex(commitment(rid, 0n, 0n, leg.qty, leg.limitPx, saltBytes)) }], ttlMs: 2_000n }, g.descriptor);
  return { a, asks, rid, limitPx: leg.limitPx, reserve };
}

test('SEQ-STATE-001 on the VM: a closed route leaves the read-back at the next boundary and a later commit fails UNKNOWN_ROUTE, as on the model', (t) => {
  const { model, vm } = pair();
  const { a, asks, rid, limitPx, reserve } = oneRoute(g.slabs.a);
  const commit = (): Intent => a.sign({ kind: 'commit', routeId: rid, chosen: [{ leg: 0, side: 0, qty: 2n, limitPx, salt: SALT }] }, g.descriptor);
  const blocks: [Intent[], bigint][] = [[asks, T], [[reserve], T + 60n], [[commit()], T + 120n], [[], T + 180n], [[commit()], T + 240n]];
  const out = blocks.map(([b, at]) => [model.executeBlock(b, at), vm.executeBlock(b, at)] as const);
  for (const [x, y] of out) t.is(y.root, x.root);
  t.true(out[2]?.[1].receipts[0]?.ok, js(out[2]?.[1].receipts));
  t.is(out[4]?.[1].receipts[0]?.error, 'UNKNOWN_ROUTE');
  t.false((vm.executor as VmExecutor).state.router.routes.has(rid));
  t.false((vm.executor as VmExecutor).venue.state().router.routes.has(rid), 'the router freed the record (PERP-ROUTE-007)');
});

test('SEQ-STALE-002 on the VM: a reserve on a down slab is re-routed to the other SOL slab, same root as the model', (t) => {
  const { model, vm } = pair();
  const op = new Signer(operator);
  const { asks, rid, reserve } = oneRoute(g.slabs.b);
  const b0 = [...asks, op.sign({ kind: 'slab_status', slab: g.slabs.a, down: true }, g.descriptor)];
  for (const [b, at] of [[b0, T], [[], T + 400n], [[reserve], T + 420n]] as const) t.is(vm.executeBlock(b, at).root, model.executeBlock(b, at).root);
  const route = (vm.executor as VmExecutor).state.router.routes.get(rid);
  t.is(route?.legs[0]?.slab, g.slabs.b);
  t.deepEqual(M.checkInvariants((vm.executor as VmExecutor).state, { hostTotal: M.custodyTotal(g.st.custody, g.st.router.params.asset), now: T + 420n }), []);
});

test('SEQ-EXE-005 a VM outcome the model would not give here (ROUTES_FULL with fewer than MAX_ROUTES open routes) stops execution with a clear error instead of diverging', (t) => {
  const e = new VmExecutor({ vm: g.vm, ...config });
  const { reserve } = oneRoute(g.slabs.a);
  e.venue.reserveRoute = () => ({ ok: false, code: 423, error: 'ROUTES_FULL' });
  t.throws(() => e.apply(reserve, 'x', T), { message: /reserve_route failed with ROUTES_FULL while 0 routes are open \(the model refuses only at MAX_ROUTES = 4096/ });
  const { model, vm } = pair();
  const { asks, reserve: r2 } = oneRoute(g.slabs.a);
  for (const l of [model, vm]) l.executeBlock([...asks, r2], T);
  (vm.executor as VmExecutor).venue.expireRoutes = () => ({ ok: false, code: 1, error: 'NOT_GOVERNANCE' });
  t.throws(() => vm.executeBlock([], T + 10_000n), { message: /expire_routes failed with NOT_GOVERNANCE/ });
});
