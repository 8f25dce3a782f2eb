/**
 * Kind `perp.scenario` (spec/conformance.md CONF-KIND-005): an operation sequence on the perp golden model
 * (reference/perp/model, spec/perp.md) from a fresh state with the given router parameters, and per step
 * the outcome — ok with the operation's output, or the error name and code of spec/perp.md's error table —
 * the events the step appended and the observable root after it (PERP-OBS-004), then the final observable
 * snapshot (PERP-OBS-001) and its root. Operations are JSON objects `{op, …}` whose words are `0x` hex.
 *
 * The vectors are filled from the model; the VM differential (test/perp/vm) keeps the CurveVM templates
 * equal to it, so an implementation of the templates is held to these vectors too.
 */
import { bigToJson, bytesToHex, hexToBytes } from '../reference/lib/hex.ts';
import { commit } from '../reference/perp/model/commit.ts';
import * as M from '../reference/perp/model/index.ts';
import { reserve } from '../reference/perp/model/reserve.ts';
import { registerKind, type RunHooks } from './kinds.ts';

/** A JSON value as vectors hold it. */
export type PerpJson = string | number | boolean | null | PerpJson[] | { [k: string]: PerpJson };

/** One operation of a scenario: `op` names it; the other members are its arguments. */
export interface PerpOp {
  readonly op: string;
  readonly [arg: string]: PerpJson;
}

export interface PerpScenarioInput {
  /** RouterParams: words as `0x` hex, `maxSlices` a number, `marginModel` "net" or "gross". */
  readonly router: Readonly<Record<string, PerpJson>>;
  readonly ops: readonly PerpOp[];
}

export type PerpStepResult =
  | { readonly ok: true; readonly out: PerpJson; readonly events: PerpJson[]; readonly root: string }
  | { readonly ok: false; readonly error: string; readonly code: number; readonly events: PerpJson[]; readonly root: string };

export interface PerpScenarioExpect {
  readonly steps: readonly PerpStepResult[];
  /** The observable snapshot after the last step (PERP-OBS-001) and its root (PERP-OBS-004). */
  readonly observe: PerpJson;
  readonly root: string;
}

/** Model values → vector JSON: bigints and byte strings as `0x` hex, maps as objects, keys sorted. */
export function perpJson(v: unknown): PerpJson {
  if (typeof v === 'bigint') return bigToJson(v);
  if (v instanceof Uint8Array) return '0x' + bytesToHex(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.map(perpJson);
  if (v instanceof Map) return perpJson(Object.fromEntries([...v].map(([k, x]) => [typeof k === 'bigint' ? bigToJson(k) : String(k), x])));
  if (v instanceof Set) return [...v].map(perpJson).sort();
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, perpJson(x)]));
  }
  return null;
}

/** Typed access to an operation's arguments; a missing or mistyped one is an error naming it. */
export class Args {
  constructor(private readonly o: Readonly<Record<string, PerpJson>>, private readonly where: string) {}
  private get(k: string): PerpJson {
    const v = this.o[k];
    if (v === undefined) throw new Error(`${this.where}: missing argument ${k}`);
    return v;
  }
  w(k: string): bigint {
    const v = this.get(k);
    if (typeof v !== 'string' || !/^-?0x[0-9a-f]+$/.test(v)) throw new Error(`${this.where}.${k}: expected a 0x hex word`);
    return v.startsWith('-') ? -BigInt(v.slice(1)) : BigInt(v);
  }
  n(k: string): number {
    const v = this.get(k);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${this.where}.${k}: expected an integer`);
    return v;
  }
  b(k: string): boolean {
    const v = this.get(k);
    if (typeof v !== 'boolean') throw new Error(`${this.where}.${k}: expected a boolean`);
    return v;
  }
  s(k: string): string {
    const v = this.get(k);
    if (typeof v !== 'string') throw new Error(`${this.where}.${k}: expected a string`);
    return v;
  }
  bytes(k: string): Uint8Array {
    return hexToBytes(this.s(k));
  }
  words(k: string): bigint[] {
    const v = this.get(k);
    if (!Array.isArray(v)) throw new Error(`${this.where}.${k}: expected an array`);
    return v.map((_, i) => new Args(v as unknown as Record<string, PerpJson>, `${this.where}.${k}`).w(String(i)));
  }
  list(k: string): Args[] {
    const v = this.get(k);
    if (!Array.isArray(v)) throw new Error(`${this.where}.${k}: expected an array`);
    return v.map((x, i) => new Args(x as Record<string, PerpJson>, `${this.where}.${k}[${i}]`));
  }
  obj(k: string): Args {
    const v = this.get(k);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${this.where}.${k}: expected an object`);
    return new Args(v, `${this.where}.${k}`);
  }
}

/** RouterParams from their vector JSON. */
export function routerParamsOf(json: Readonly<Record<string, PerpJson>>): M.RouterParams {
  const a = new Args(json, 'router');
  const model = a.s('marginModel');
  if (model !== 'net' && model !== 'gross') throw new Error('router.marginModel: expected "net" or "gross"');
  return {
    routerId: a.w('routerId'),
    governance: a.w('governance'),
    asset: a.w('asset'),
    vaultCap: a.w('vaultCap'),
    capTtlMs: a.w('capTtlMs'),
    makerBpsMax: a.w('makerBpsMax'),
    takerBpsMax: a.w('takerBpsMax'),
    graceMs: a.w('graceMs'),
    bandBps: a.w('bandBps'),
    maxSlices: a.n('maxSlices'),
    marginModel: model,
  };
}

function slabParamsOf(a: Args): M.SlabParams {
  const p = a.obj('pools');
  return {
    versionHash: a.s('versionHash'),
    instruments: a.list('instruments').map((i) => ({ symbol: i.w('symbol'), contractSize: i.w('contractSize'), tick: i.w('tick'), lot: i.w('lot'), feed: i.w('feed') })),
    imrBps: a.w('imrBps'),
    mmrBps: a.w('mmrBps'),
    makerBps: a.w('makerBps'),
    takerBps: a.w('takerBps'),
    batchMs: a.w('batchMs'),
    pendingPromotion: a.b('pendingPromotion'),
    dlpAllowance: a.w('dlpAllowance'),
    regAllowance: a.w('regAllowance'),
    killBandBps: a.w('killBandBps'),
    jitPenalty: a.b('jitPenalty'),
    argTaxBps: a.w('argTaxBps'),
    freezeTopK: a.n('freezeTopK'),
    fundingIntervalMs: a.w('fundingIntervalMs'),
    fundingCapBps: a.w('fundingCapBps'),
    pools: { accounts: p.n('accounts'), orders: p.n('orders'), positions: p.n('positions'), reservations: p.n('reservations'), slices: p.n('slices'), trades: p.n('trades'), aggressors: p.n('aggressors') },
  };
}

const revealOf = (a: Args): M.Chosen['reveal'] => ({ side: a.n('side'), qty: a.w('qty'), limitPx: a.w('limitPx'), salt: a.bytes('salt') });

function slabOf(s: M.PerpState, id: bigint): M.SlabState {
  const slab = s.slabs.get(id);
  if (!slab) throw new Error(`no slab ${bigToJson(id)} deployed`);
  return slab;
}

/**
 * The operations, by name. Each runs inside `step` (all-or-nothing; a PerpFault becomes the step's error)
 * except `commitRoute`, whose failure also records the failed route (PERP-ROUTE-004).
 */
export type PerpOpFn = (s: M.PerpState, a: Args) => unknown;

export const PERP_OPS: Readonly<Record<string, PerpOpFn>> = {
  // venue set-up and governance (ORACLE blocks, the registry, host wallets)
  addFeed: (s, a) => M.addFeed(s, a.w('feed'), { heartbeatMs: a.w('heartbeatMs'), staleAfterMs: a.w('staleAfterMs'), failover: a.words('failover') }),
  publishPrice: (s, a) => M.publishPrice(s, a.w('feed'), a.w('price'), a.w('publishTime')),
  approveVersion: (s, a) => M.approveVersion(s, a.w('caller'), a.s('version')),
  deploySlab: (s, a) => void M.deploySlab(s, a.w('slab'), slabParamsOf(a.obj('params')), a.w('now')),
  registerSlab: (s, a) => M.registerSlab(s, a.w('caller'), a.w('slab')),
  setSlabVersion: (s, a) => M.setSlabVersion(s, a.w('caller'), a.w('slab'), a.s('version')),
  setSlabFees: (s, a) => M.setSlabFees(s, a.w('caller'), a.w('slab'), a.w('makerBps'), a.w('takerBps')),
  setDlp: (s, a) => M.setDlp(s, a.w('caller'), a.w('slab'), a.w('user'), a.b('on')),
  upgradeSlabCode: (s, a) => M.upgradeSlabCode(s, a.w('slab'), a.s('codeHash')),
  setWallet: (s, a) => M.setWallet(s.custody, a.w('user'), a.w('asset'), a.w('amount')),
  fundInsurance: (s, a) => M.fundInsurance(s, a.w('from'), a.w('amount')),
  // users
  deposit: (s, a) => M.deposit(s, a.w('user'), a.w('asset'), a.w('amount')),
  withdraw: (s, a) => M.withdraw(s, a.w('user'), a.w('asset'), a.w('amount'), a.w('now')),
  settle: (s, a) => M.settle(s, a.w('user')),
  placeOrder: (s, a) => M.placeOrder(s, a.w('user'), a.w('slab'), a.w('instrument'), a.n('side'), a.w('px'), a.w('qty'), a.w('now')),
  cancelOrder: (s, a) => M.cancelOrder(s, a.w('user'), a.w('slab'), a.w('orderId')),
  reserveRoute: (s, a) =>
    M.reserveRoute(
      s,
      a.w('user'),
      a.list('legs').map((l) => ({ slab: l.w('slab'), instrument: l.w('instrument'), side: l.n('side'), qty: l.w('qty'), limitPx: l.w('limitPx'), commitment: l.bytes('commitment') })),
      a.w('ttl'),
      a.w('now'),
    ),
  cancelRoute: (s, a) => M.cancelRoute(s, a.w('user'), a.w('routeId')),
  // keepers
  openBatch: (s, a) => M.openBatch(s, a.w('slab'), a.w('instrument'), a.w('now')),
  tickFunding: (s, a) => M.tickFunding(s, a.w('slab'), a.w('instrument'), a.w('now')),
  expireRoutes: (s, a) => M.expireRoutes(s, a.w('now')),
  liquidate: (s, a) => M.liquidate(s, a.w('user'), a.w('now')),
  coverDeficit: (s, a) => M.coverDeficit(s, a.w('user')),
  // direct calls a hostile or buggy caller could make (slab entries, custody syscalls)
  capMint: (s, a) => M.capMint(s.custody, a.w('user'), a.w('slab'), a.w('asset'), a.w('amountMax'), a.w('expiry')),
  guardedDebit: (s, a) => ({ status: M.guardedDebit(s.custody, a.w('caller'), a.w('now'), a.w('cap'), a.w('amount')) }),
  slabReserve: (s, a) =>
    reserve(slabOf(s, a.w('slab')), a.w('caller'), a.w('now'), {
      routeId: a.w('routeId'),
      user: a.w('user'),
      instrument: a.w('instrument'),
      side: a.n('side'),
      qty: a.w('qty'),
      limitPx: a.w('limitPx'),
      ttl: a.w('ttl'),
      commitment: a.bytes('commitment'),
    }),
  slabCommit: (s, a) => commit(slabOf(s, a.w('slab')), a.w('caller'), a.w('now'), s.custody, s.oracles, a.w('holdId'), a.w('capId'), revealOf(a.obj('reveal'))),
  liquidationCall: (s, a) => M.liquidationCall(slabOf(s, a.w('slab')), a.w('caller'), a.w('now'), s.oracles, a.w('user'), a.w('instrument'), a.w('bandBps')),
};

/** Run one operation on `st`; returns the outcome and the next state (`root: false` skips the root, for builders). */
export function runPerpOp(st: M.PerpState, op: PerpOp, i: number, o: { root?: boolean; ops?: RunHooks['perpOps'] } = {}): { state: M.PerpState; result: PerpStepResult } {
  const a = new Args(op, `ops[${i}]`);
  const before = st.events.length;
  let r: M.OpResult<unknown>;
  if (op.op === 'commitRoute') r = M.commitRoute(st, a.w('user'), a.w('routeId'), a.list('chosen').map((c) => ({ holdId: c.w('holdId'), reveal: revealOf(c.obj('reveal')) })), a.w('now'));
  else {
    const f = (o.ops?.[op.op] as PerpOpFn | undefined) ?? PERP_OPS[op.op];
    if (!f) throw new Error(`ops[${i}]: unknown operation ${JSON.stringify(op.op)}`);
    r = M.step(st, (s) => f(s, a));
  }
  const events = r.state.events.slice(before).map(perpJson);
  const root = o.root === false ? '' : M.observeRoot(r.state);
  const result: PerpStepResult = r.ok ? { ok: true, out: perpJson(r.out ?? null), events, root } : { ok: false, error: r.error, code: r.code, events, root };
  return { state: r.state, result };
}

/** Run a whole scenario from a fresh state (with `hooks.perpOps`, a mutant's faulty operations). */
export function runScenario(input: PerpScenarioInput, hooks: RunHooks = {}): PerpScenarioExpect {
  let st = M.newState(routerParamsOf(input.router));
  const steps: PerpStepResult[] = [];
  input.ops.forEach((op, i) => {
    const x = runPerpOp(st, op, i, { ops: hooks.perpOps });
    st = x.state;
    steps.push(x.result);
  });
  return { steps, observe: M.observe(st) as PerpJson, root: M.observeRoot(st) };
}

registerKind({ kind: 'perp.scenario', run: (req, hooks) => runScenario(req.input as PerpScenarioInput, hooks) });
