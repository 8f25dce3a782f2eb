/**
 * Model-based testing of models/quint/reserve_commit.qnt against reference/sequencer (spec/sequencer.md
 * SEQ-QUINT-001). Each ITF state after the first is one block: the model's `lastDt` and `lastIntents` become
 * signed intents executed by a Ledger over the golden-model executor at `t0 + now · msPerUnit`; then the
 * reference state is compared with the model's: routes expired at the boundary (SEQ-TTL-001), each intent's
 * ok / error, which routes are open / committed / cancelled / retired (SEQ-STATE-001), escrow balance of
 * every (user, slab) = Σ caps of the model's open routes there, escrow nonces (F3), open holds per slab,
 * charge ≤ cap (debit ≤ cap), and the executor's own invariants. A mismatch names the step and the field.
 */
import { bytesToHex, hexToBytes } from '../../reference/lib/hex.ts';
import * as M from '../../reference/perp/model/index.ts';
import { commitment, routeId as refRouteId } from '../../reference/script/ids.ts';
import type { KeyPair } from '../../reference/sequencer/crypto.ts';
import { accountOf, signIntent, type Intent } from '../../reference/sequencer/intent.ts';
import type { Ledger } from '../../reference/sequencer/ledger.ts';
import type { ModelExecutor } from '../../reference/sequencer/model-executor.ts';
import type { ItfTrace, ItfValue } from './itf.ts';

export interface ReplayWorld {
  /** A ledger over a ModelExecutor whose books can fill every commit the model makes; nonces from `nonces`. */
  readonly ledger: Ledger;
  readonly descriptor: string;
  /** Model user 1, 2, … → key. */
  readonly users: readonly KeyPair[];
  /** Model slab 1, 2, … → slab id. */
  readonly slabs: readonly bigint[];
  readonly asset: bigint;
  /** Model time 0 in ms (the block the world was built at) and ms per model time unit. */
  readonly t0: bigint;
  readonly msPerUnit: bigint;
  /** Reference qty per model unit, the buy limit price, the commitment salt (32 bytes hex). */
  readonly qtyUnit: bigint;
  readonly limitPx: bigint;
  readonly salt: string;
  /** Next nonce per account (the world's setup may have used some). */
  readonly nonces: Map<bigint, bigint>;
}

interface MIntent {
  kind: string;
  user: bigint;
  slab: bigint;
  qty: bigint;
  ttl: bigint;
  route: bigint;
}
interface MRoute {
  user: bigint;
  slab: bigint;
  qty: bigint;
  expiry: bigint;
  status: string;
  retired: boolean;
}
interface MOutcome {
  kind: string;
  route: bigint;
  ok: boolean;
  err: string;
}

/** The model's outcome against the reference receipt: the same ok, the same error name (PERP-ROUTE-009 in both). */
function sameOutcome(o: MOutcome, r: { ok: boolean; error?: string }): boolean {
  return r.ok === o.ok && (o.ok || r.error === o.err);
}

export class ReplayMismatch extends Error {}

const rec = (v: ItfValue | undefined): Record<string, ItfValue> => v as Record<string, ItfValue>;

/** Replays one trace; returns the number of steps compared. Throws ReplayMismatch naming the step. */
export function replayTrace(trace: ItfTrace, w: ReplayWorld, label: string): number {
  const hex = (x: bigint): string => '0x' + x.toString(16);
  const account = (u: bigint): bigint => accountOf((w.users[Number(u) - 1] as KeyPair).publicHex);
  const slabOf = (s: bigint): bigint => w.slabs[Number(s) - 1] as bigint;
  const refId = (m: bigint): bigint => refRouteId(account(m / 100n), m % 100n);
  const leg = (r: { slab: bigint; qty: bigint }) => ({ slab: slabOf(r.slab), instrument: 0n, side: 0 as const, qty: r.qty * w.qtyUnit, limitPx: w.limitPx });
  const saltBytes = hexToBytes(w.salt);
  const caps = new Map<bigint, bigint>(); // model route → reference max charge
  const sign = (u: bigint, body: Intent['body']): Intent => {
    const acct = account(u);
    const n = w.nonces.get(acct) ?? 0n;
    w.nonces.set(acct, n + 1n);
    return signIntent(w.users[Number(u) - 1] as KeyPair, w.descriptor, n, body);
  };
  const st = () => (w.ledger.executor as ModelExecutor).state;
  let steps = 0;
  for (let i = 1; i < trace.states.length; i++) {
    const s = trace.states[i] as Record<string, ItfValue>;
    const mst = rec(s['st']);
    const now = mst['now'] as bigint;
    const t = w.t0 + now * w.msPerUnit;
    const routes = mst['routes'] as Map<unknown, ItfValue>;
    const intents = (s['lastIntents'] as ItfValue[]).map((x) => x as unknown as MIntent);
    const outcomes = (s['lastOutcomes'] as ItfValue[]).map((x) => x as unknown as MOutcome);
    const fail = (what: string): never => {
      throw new ReplayMismatch(`${label} step ${i} (t=${t}, intents ${JSON.stringify(intents, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}): ${what}`);
    };
    // the model's reserve ids are (user, count) as the router's route ids are (user, route nonce)
    const signed = intents.map((x, k) => {
      if (x.kind === 'reserve') {
        const o = outcomes[k];
        if (!o?.ok) fail(`the model rejected a reserve (${o?.err}); the replay maps only accepted ones`);
        const rid = refId((o as MOutcome).route);
        const l = leg(x);
        const c = bytesToHex(commitment(rid, l.instrument, 0n, l.qty, l.limitPx, saltBytes));
        return sign(x.user, { kind: 'reserve', legs: [{ ...l, commitment: c }], ttlMs: x.ttl * w.msPerUnit });
      }
      if (x.kind === 'commit') {
        const r = routes.get(x.route) as unknown as MRoute | undefined;
        const l = leg(r ?? { slab: 1n, qty: 1n });
        return sign(x.user, { kind: 'commit', routeId: refId(x.route), chosen: [{ leg: 0, side: 0, qty: l.qty, limitPx: l.limitPx, salt: w.salt }] });
      }
      return sign(x.user, { kind: 'cancel', routeId: refId(x.route) });
    });
    const out = w.ledger.executeBlock(signed, t);
    steps += 1;
    // SEQ-TTL-001: the routes expired at the boundary
    const wantExpired = (s['lastExpired'] as bigint[]).map((m) => hex(refId(m))).sort();
    const gotExpired = [...out.boundary.expired].sort();
    if (JSON.stringify(wantExpired) !== JSON.stringify(gotExpired)) fail(`expired ${JSON.stringify(gotExpired)}, model ${JSON.stringify(wantExpired)}`);
    // each intent's outcome
    for (const [k, o] of outcomes.entries()) {
      const r = out.receipts[k];
      if (!r) fail(`no receipt ${k}`);
      else if (!sameOutcome(o, r)) fail(`intent ${k} ${o.kind}: reference ${r.ok ? 'ok' : r.error}, model ${o.ok ? 'ok' : o.err}`);
      else if (o.ok && o.kind === 'reserve') {
        // a route reserved and closed in one block is freed already (PERP-ROUTE-007): its cap is not known here
        const rr = st().router.routes.get(refId(o.route));
        if (rr) caps.set(o.route, rr.legs[0]?.maxCharge ?? 0n);
      } else if (o.ok && o.kind === 'commit') {
        // debit ≤ cap (R4/F3): the charge of the commit is within the leg's cap
        const charge = BigInt(r.out?.['charge'] ?? '0');
        const cap = caps.get(o.route);
        if (cap !== undefined && charge > cap) fail(`charge ${charge} > cap ${cap}`);
      }
    }
    // routes: retired ones left the state (SEQ-STATE-001), others carry the model's status
    const refRoutes = st().router.routes;
    const kept = new Set<bigint>();
    for (const [m, v] of routes) {
      const r = v as unknown as MRoute;
      const id = refId(m as bigint);
      const got = refRoutes.get(id);
      // PERP-ROUTE-007: the reference frees a closed route at once; the model keeps it until the boundary retires it
      if (r.retired || r.status !== 'open') {
        if (got) fail(`route ${hex(id)} should be retired, reference has it ${got.status}`);
        continue;
      }
      kept.add(id);
      if (!got) fail(`route ${hex(id)} missing, model ${r.status}`);
      else if (got.status !== r.status) fail(`route ${hex(id)} is ${got.status}, model ${r.status}`);
    }
    for (const id of refRoutes.keys()) if (!kept.has(id)) fail(`reference route ${hex(id)} unknown to the model`);
    // escrow balance = Σ caps of the model's open routes; escrow nonce; open holds per slab
    const nonce = mst['nonce'] as Map<unknown, ItfValue>;
    for (const [ui] of w.users.entries()) {
      for (const [si, slab] of w.slabs.entries()) {
        const u = BigInt(ui + 1);
        const sl = BigInt(si + 1);
        let want = 0n;
        for (const [m, v] of routes) {
          const r = v as unknown as MRoute;
          if (r.status === 'open' && r.user === u && r.slab === sl) want += caps.get(m as bigint) ?? 0n;
        }
        const e = M.escrow(st().custody, account(u), slab, w.asset);
        if (e.balance !== want) fail(`escrow(${u},${sl}) ${e.balance}, Σ open caps ${want}`);
        if (e.nonce !== nonce.get(`${u},${sl}`)) fail(`escrow nonce(${u},${sl}) ${e.nonce}, model ${String(nonce.get(`${u},${sl}`))}`);
      }
    }
    for (const [si, slab] of w.slabs.entries()) {
      const open = [...routes.values()].filter((v) => (v as unknown as MRoute).status === 'open' && (v as unknown as MRoute).slab === BigInt(si + 1)).length;
      const used = st().slabs.get(slab)?.reservations.used;
      if (used !== open) fail(`slab ${hex(slab)} holds ${used}, model open ${open}`);
    }
    const bad = w.ledger.executor.checkInvariants(t);
    if (bad.length) fail(`reference invariants: ${bad.join('; ')}`);
  }
  return steps;
}
