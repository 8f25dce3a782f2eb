/**
 * The VM side of `npm run bench -- perp` (PFM1): the one adapter between the bench harness and the
 * compiled Router/Slab templates, so an ABI change of stdlib/slab.curve or stdlib/router.curve touches
 * this file only. It compiles a venue with the project's compiler, deploys the router and one slab in a
 * ModuleStore + World, and calls their entry points on the fast interpreter (reference/vm/fast.ts).
 *
 * ABI driven (the first-cut templates of commit 01e528b):
 *   slab.init(router) · slab.post(owner, side, px, qty, dlp) → slot
 *   slab.reserve(route, user, side, qty, limit, ttl, commitment lo, hi) → (slot, hold, qty, worst, max_charge, expiry, seqno)
 *   slab.commit(slot, cap, instrument, salt lo, hi) → charge · slab.cancel(slot) → bool
 *   router.deposit(user, asset, amount) · router.fund(user, slab, asset, max_charge) → cap
 *   router.release(user, slab, asset, cap) → refund
 */
import { readFileSync } from 'node:fs';
import type { CompiledModule } from '../reference/compiler/artifact.ts';
import { compileVenue, type TemplateSet } from '../reference/compiler/compile.ts';
import { readUintLE } from '../reference/lib/u128.ts';
import { commitment, nameId, routeId } from '../reference/script/ids.ts';
import { executeFast } from '../reference/vm/fast.ts';
import type { ExecResult } from '../reference/vm/interpreter.ts';
import { ModuleStore, type LoadedModule } from '../reference/vm/store.ts';
import { World } from '../reference/vm/world.ts';
import type { VenueConfig } from '../reference/script/venue.ts';
import type { BenchBook, BenchSide, BenchVenue, Prepared } from './perp-book.ts';

/** Result word i of an entry (the ABI says it is there). */
function word(r: ExecResult, i: number): bigint {
  const w = r.results[i];
  if (w === undefined) throw new Error(`bench perp: result ${i} missing`);
  return w;
}

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const GAS_LIMIT = 50_000_000;
const NOW = 1_000n;

/** The venue of the bench: examples/perp.curve with the DLP allowance raised to the order pool size, so a 50 % book can be DLP (LIVE at once). */
export function benchVenueText(): string {
  const text = read('examples/perp.curve').text;
  const out = text.replace('MAKER_CLASS DLP allowance=256', 'MAKER_CLASS DLP allowance=65_536');
  if (out === text) throw new Error('bench perp: examples/perp.curve no longer has "MAKER_CLASS DLP allowance=256"; update bench/perp-vm.ts');
  return out;
}

export function compileBenchVenue(): { venue: VenueConfig; router: CompiledModule; slab: CompiledModule } {
  const templates: TemplateSet = { router: read('stdlib/router.curve'), slab: read('stdlib/slab.curve'), oracle: read('stdlib/oracle.curve') };
  const r = compileVenue({ file: 'bench-perp.curve', text: benchVenueText() }, templates);
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  const router = r.modules.find((m) => m.kind === 'router');
  const slab = r.modules.find((m) => m.name === 'slab:perp:SOL-PERP');
  if (!router || !slab || !r.venue) throw new Error('bench perp: the venue has no router or no SOL slab');
  return { venue: r.venue, router, slab };
}

interface VmPrepared extends Prepared {
  readonly route: bigint;
  readonly com: Uint8Array;
  slot?: bigint;
  maxCharge?: bigint;
  cap?: bigint;
}

/** The VM venue: one router, the SOL slab (orders pool from POOLS orders=…). */
export function vmVenue(): BenchVenue {
  const { router, slab } = compileBenchVenue();
  const store = new ModuleStore();
  const world = new World();
  const lr: LoadedModule = store.add(router.bytes);
  const ls: LoadedModule = store.add(slab.bytes);
  const ROUTER_KEY = 0x100n;
  const asset = nameId('USDC');
  const call = (lm: LoadedModule, m: CompiledModule, entry: string, args: readonly bigint[]): ExecResult => {
    const r = executeFast(store, world, lm.hashHex, entry, args, { gasLimit: GAS_LIMIT, now: NOW, origin: ROUTER_KEY, stateRoot: false });
    if (r.status !== 'ok') throw new Error(`bench perp: ${m.name}.${entry} ended ${r.status} ${r.halt ?? ''} ${r.revertCode ?? ''}`);
    world.commit();
    return r;
  };
  const slabCall = (entry: string, args: readonly bigint[]): ExecResult => call(ls, slab, entry, args);
  const routerCall = (entry: string, args: readonly bigint[]): ExecResult => call(lr, router, entry, args);
  slabCall('init', [ROUTER_KEY]);
  const capacity = Number(slab.storage.find((s) => s.name === 'orders')?.capacity ?? 0) - 1; // slot 0 is "none"
  const book: BenchBook = {
    engine: 'vm',
    capacity,
    post(owner, side, px, qty) {
      slabCall('post', [owner, BigInt(side), px, qty, 1n]);
    },
    prepare(n, user, side: BenchSide, qty, limitPx, salt) {
      const route = routeId(user, BigInt(n));
      return { n, user, side, qty, limitPx, salt, route, com: commitment(route, 0n, BigInt(side), qty, limitPx, salt) } satisfies VmPrepared;
    },
    reserve(p) {
      const q = p as VmPrepared;
      const r = slabCall('reserve', [q.route, q.user, BigInt(q.side), q.qty, q.limitPx, 60_000n, readUintLE(q.com, 0, 16), readUintLE(q.com, 16, 16)]);
      q.slot = word(r, 0);
      q.maxCharge = word(r, 4);
    },
    fund(p) {
      const q = p as VmPrepared;
      q.cap = word(routerCall('fund', [q.user, ls.id, asset, q.maxCharge as bigint]), 0);
    },
    commit(p) {
      const q = p as VmPrepared;
      slabCall('commit', [q.slot as bigint, q.cap as bigint, 0n, readUintLE(q.salt, 0, 16), readUintLE(q.salt, 16, 16)]);
    },
    release(p) {
      const q = p as VmPrepared;
      routerCall('release', [q.user, ls.id, asset, q.cap as bigint]);
    },
  };
  return {
    book,
    fundUser(user, amount) {
      world.setWallet(user, asset, amount);
      routerCall('deposit', [user, asset, amount]);
    },
  };
}
