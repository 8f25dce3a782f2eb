/**
 * The VM side of `npm run bench -- perp` (PFM1): the one adapter between the bench harness and the
 * compiled Router/Slab templates, so an ABI change of stdlib/slab.curve or stdlib/router.curve touches
 * this file only. The slab is deployed and initialised through H1's driver (reference/perp/vm/slab-vm.ts,
 * `VmSlab`: init with the MAKER_CLASS allowances and the feed's staleness, set_dlp); the timed calls go
 * straight to the fast interpreter (reference/vm/fast.ts), since VmSlab calls the reference interpreter
 * and decodes events, which the bench must not time.
 *
 * The Router's custody steps around the slab (escrow credit + cap mint; cap remainder back, burn, nonce
 * bump — PERP-ROUTE-001/002) run as the host syscalls the Router template issues (reference/vm/host.ts),
 * as test/perp/vm/harness.ts does: the Router template is being rewritten to call the slab itself
 * (extern slab, CPI); once it is committed, a route workload through router entries belongs here.
 *
 * Slab ABI driven (stdlib/slab.curve header):
 *   place(owner, instrument, side, px, qty) → (order_id, state)
 *   reserve(route, user, instrument, side, qty, limit, ttl, commitment lo, hi) → (hold_id, slot, vwap, worst, notional, max_charge, expiry, seqno)
 *   commit(hold_id, slot, cap, side, qty, limit, salt lo, hi) → (filled, notional, fee, tax, charge)
 */
import { readFileSync } from 'node:fs';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import { compileVenue, type TemplateSet } from '../reference/compiler/compile.ts';
import { readUintLE } from '../reference/lib/u128.ts';
import { VmSlab } from '../reference/perp/vm/slab-vm.ts';
import { commitment, nameId, routeId } from '../reference/script/ids.ts';
import type { VenueConfig } from '../reference/script/venue.ts';
import { executeFast } from '../reference/vm/fast.ts';
import { execute } from '../reference/vm/interpreter.ts';
import { runSyscall, type HostContext } from '../reference/vm/host.ts';
import type { ExecResult } from '../reference/vm/interpreter.ts';
import { syscallByName } from '../reference/vm/syscalls.ts';
import { ModuleStore, type LoadedModule } from '../reference/vm/store.ts';
import { World } from '../reference/vm/world.ts';
import type { BenchBook, BenchVenue, Prepared, TracedCall } from './perp-book.ts';

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const GAS_LIMIT = 2_000_000_000;
export const BENCH_NOW = 1_000_000n;
export const BENCH_ROUTER = 0x100n;
export const BENCH_ORACLE_PX = 100_000_000n;
export const BENCH_SLAB = 'slab:perp:SOL-PERP';
/** The makers of the bench book, in the DLP class (M7: LIVE at once). */
export const BENCH_MAKERS: readonly bigint[] = [0x31n, 0x32n, 0x33n, 0x34n];

/** Result word i of an entry (the ABI says it is there). */
function word(r: ExecResult, i: number): bigint {
  const w = r.results[i];
  if (w === undefined) throw new Error(`bench perp: result ${i} missing`);
  return w;
}

export interface BenchModules {
  readonly venue: VenueConfig;
  readonly slab: CompiledModule;
  /** DLP allowance = the order pool, so a half-full book can be all DLP; REG as the venue says. */
  readonly allowances: { readonly dlp: bigint; readonly reg: bigint };
}

/** examples/perp.curve compiled against the standard library's slab template: the venue config and the SOL slab. */
export function compileBenchVenue(): BenchModules {
  // The bench calls no router entry (see the file comment): an empty router template keeps it independent
  // of the Router template's state.
  const templates: TemplateSet = { router: { file: 'bench-router.curve', text: 'template router;\npub fn noop() {}\n' }, slab: read('stdlib/slab.curve'), oracle: read('stdlib/oracle.curve') };
  const r = compileVenue(read('examples/perp.curve'), templates);
  if (r.modules === undefined || !r.venue) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  const slab = r.modules.find((m) => m.name === BENCH_SLAB);
  if (!slab) throw new Error(`bench perp: the venue has no ${BENCH_SLAB}`);
  const reg = (r.venue.slabs.find((s) => `slab:${s.name}` === BENCH_SLAB)?.makerClass ?? []).find((m) => m.class === 'REG')?.allowance ?? 0n;
  return { venue: r.venue, slab, allowances: { dlp: slab.constants.get('orders') ?? 0n, reg } };
}

/** Executed instructions of one traced call, with its eight most executed opcodes. */
function summarise(ops: readonly string[], gas: number): TracedCall {
  const count = new Map<string, number>();
  for (const op of ops) count.set(op, (count.get(op) ?? 0) + 1);
  const top = [...count].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { instructions: ops.length, gas, top_ops: Object.fromEntries(top) };
}

interface VmPrepared extends Prepared {
  readonly route: bigint;
  /** The commitment hash and the salt as the (lo, hi) word pairs the entries take (read before timing). */
  readonly com: readonly [bigint, bigint];
  readonly saltWords: readonly [bigint, bigint];
  holdId?: bigint;
  slot?: bigint;
  maxCharge?: bigint;
  cap?: bigint;
}

/** The VM venue: the SOL slab in a world with host custody, the feed published at BENCH_NOW. */
export function vmVenue(): BenchVenue {
  const mods = compileBenchVenue();
  const store = new ModuleStore();
  const world = new World();
  const feed = mods.slab.constants.get('feed') ?? 0n;
  world.setOracle(feed, { price: BENCH_ORACLE_PX, publishTime: BENCH_NOW });
  const stale = mods.venue.oracles.find((o) => nameId(o.name) === feed)?.heartbeat?.staleAfterMs ?? 2_000n;
  const vmSlab = new VmSlab(store, world, { module: mods.slab, router: BENCH_ROUTER, allowances: mods.allowances, staleAfterMs: stale, failover: [], now: BENCH_NOW, deployer: BENCH_ROUTER });
  for (const m of BENCH_MAKERS) if (!vmSlab.setDlp(BENCH_ROUTER, BENCH_NOW, m, true).ok) throw new Error('bench perp: set_dlp failed');
  const ls: LoadedModule = store.add(mods.slab.bytes); // the module VmSlab deployed (the store is idempotent per hash)
  const asset = nameId('USDC');
  /** One Router custody syscall, as the Router program would issue it (a non-OK status is a bench bug). */
  // One host context for the Router's custody syscalls, as one Router call would have.
  const host: HostContext = { world, now: BENCH_NOW, origin: BENCH_ROUTER, selfId: BENCH_ROUTER, callerId: BENCH_ROUTER };
  const sys = (name: string, args: readonly bigint[]): bigint => {
    const info = syscallByName(name);
    if (!info) throw new Error(`bench perp: no syscall ${name}`);
    const out = runSyscall(info, args, host)[0] as bigint;
    world.commit();
    return out;
  };
  const ok = (status: bigint, what: string): void => {
    if (status !== 0n) throw new Error(`bench perp: ${what} status ${status}`);
  };
  let tracing = false;
  const traced: Record<string, TracedCall> = {};
  const call = (lm: LoadedModule, entry: string, args: readonly bigint[]): ExecResult => {
    const opts = { gasLimit: GAS_LIMIT, now: BENCH_NOW, origin: BENCH_ROUTER, stateRoot: false, trace: tracing };
    const r = tracing ? execute(store, world, lm.hashHex, entry, args, opts) : executeFast(store, world, lm.hashHex, entry, args, opts);
    if (r.status !== 'ok') throw new Error(`bench perp: ${entry} ended ${r.status} ${r.halt ?? ''} ${r.revertCode ?? ''}`);
    world.commit();
    if (r.trace) traced[entry] = summarise(r.trace.map((t) => t.op), r.gasUsed);
    return r;
  };
  const book: BenchBook = {
    engine: 'vm',
    capacity: Number(mods.slab.constants.get('orders') ?? 0n),
    post(owner, side, px, qty) {
      call(ls, 'place', [owner, 0n, BigInt(side), px, qty]);
    },
    prepare(n, user, side, qty, limitPx, salt) {
      const route = routeId(user, BigInt(n));
      const com = commitment(route, 0n, BigInt(side), qty, limitPx, salt);
      const words = (b: Uint8Array): [bigint, bigint] => [readUintLE(b, 0, 16), readUintLE(b, 16, 16)];
      return { n, user, side, qty, limitPx, salt, route, com: words(com), saltWords: words(salt) } satisfies VmPrepared;
    },
    reserve(p) {
      const q = p as VmPrepared;
      const r = call(ls, 'reserve', [q.route, q.user, 0n, BigInt(q.side), q.qty, q.limitPx, 60_000n, ...q.com]);
      q.holdId = word(r, 0);
      q.slot = word(r, 1);
      q.maxCharge = word(r, 5);
    },
    fund(p) {
      const q = p as VmPrepared;
      ok(sys('ESCROW_CREDIT', [q.user, ls.id, asset, q.maxCharge as bigint]), 'escrow credit');
      q.cap = sys('CAP_MINT', [q.user, ls.id, asset, q.maxCharge as bigint, BENCH_NOW + 60_000n]);
    },
    commit(p) {
      const q = p as VmPrepared;
      call(ls, 'commit', [q.holdId as bigint, q.slot as bigint, q.cap as bigint, BigInt(q.side), q.qty, q.limitPx, ...q.saltWords]);
    },
    noop() {
      call(ls, 'oracle_price', []);
    },
    trace(on) {
      tracing = on;
    },
    traced: () => traced,
    release(p) {
      const q = p as VmPrepared;
      const rest = sys('CAP_REMAINING', [q.cap as bigint]);
      ok(sys('ESCROW_DEBIT', [q.user, ls.id, asset, rest]), 'escrow debit');
      sys('CAP_BURN', [q.cap as bigint]);
      sys('ESCROW_BUMP_NONCE', [q.user, ls.id, asset]);
    },
  };
  return {
    book,
    fundUser(user, amount) {
      world.setWallet(user, asset, amount);
      ok(sys('VAULT_DEPOSIT', [user, asset, amount]), 'vault deposit');
    },
  };
}
