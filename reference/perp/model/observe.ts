/**
 * The canonical observable snapshot (spec/perp.md §14, PERP-OBS-*): every value the golden model and the
 * templates must agree on — custody (wallets, vaults, escrows, caps), router (cash, insurance, fees,
 * routes, registry, margin calls), oracles, and per slab the header fees, instruments, orders,
 * reservations with slices, positions, trades, aggressor entries — plus the ordered events. JSON-able:
 * bigints as `0x` hex, records sorted by key, so two snapshots compare with deepEqual or a string compare.
 */
import { bigToJson, bytesToHex } from '../../lib/hex.ts';
import { leafHash, merkleRoot } from '../../lib/merkle.ts';
import { at, usedSlots } from './pool.ts';
import { NIL, type PerpState, type SlabState } from './types.ts';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const hx = bigToJson;

function val(v: unknown): Json {
  if (typeof v === 'bigint') return hx(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (Array.isArray(v)) return v.map(val);
  if (v instanceof Map) return sortedObject([...v.entries()].map(([k, x]) => [typeof k === 'bigint' ? hx(k) : String(k), val(x)]));
  if (v instanceof Set) return [...v].map(val).sort();
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (typeof v === 'object' && v) return sortedObject(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, val(x)]));
  return null;
}

function sortedObject(entries: [string, Json][]): { [k: string]: Json } {
  return Object.fromEntries(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** PERP-OBS-002: one slab, with records keyed by their public ids (not by slot). */
function observeSlab(s: SlabState): Json {
  const orders = usedSlots(s.orders).map(([, o]) => ({ ...o, next: undefined, prev: undefined }));
  const reservations = usedSlots(s.reservations).map(([, r]) => {
    const slices: Json[] = [];
    for (let cur = r.sliceHead; cur !== NIL; cur = at(s.slices, cur).next) {
      const sl = at(s.slices, cur);
      slices.push(val({ orderId: sl.orderId, qty: sl.qty, px: sl.px }));
    }
    return [r.holdId, { ...(val({ ...r, sliceHead: undefined }) as object), slices }] as const;
  });
  const n = BigInt(s.trades.length);
  const trades = [];
  for (let i = s.tradeCount > n ? s.tradeCount - n : 0n; i < s.tradeCount; i++) trades.push(s.trades[Number(i % n)]);
  return val({
    codeHash: s.codeHash,
    makerBps: s.header.makerBps,
    takerBps: s.header.takerBps,
    dlp: [...s.header.dlp].sort((a, b) => (a < b ? -1 : 1)),
    instruments: s.instruments.map((i) => ({ ...i, bidHead: undefined, askHead: undefined, pendingHead: undefined, pendingTail: undefined })),
    orders: new Map(orders.map((o) => [o.id, o])),
    reservations: new Map(reservations),
    positions: new Map(usedSlots(s.positions).map(([, p]) => [`${hx(p.owner)}/${p.instrument}`, p])),
    aggressors: new Map(usedSlots(s.aggressors).map(([, e]) => [`${hx(e.account)}/${e.instrument}/${e.epoch}`, e])),
    trades,
    tradeCount: s.tradeCount,
    nextOrderId: s.nextOrderId,
    bookSeqno: s.bookSeqno,
    feesAccrued: s.feesAccrued,
    used: { orders: s.orders.used, reservations: s.reservations.used, slices: s.slices.used, positions: s.positions.used, accounts: s.accounts.size },
  });
}

/** PERP-OBS-001: the whole observable state. */
export function observe(st: PerpState): Json {
  const r = st.router;
  return {
    custody: val(st.custody),
    router: val({
      cash: r.cash,
      insurance: r.insurance,
      fees: r.fees,
      routes: r.routes,
      routeNonce: r.routeNonce,
      registry: r.registry,
      approvedVersions: r.approvedVersions,
      marginCalls: r.marginCalls,
    }),
    oracles: val(st.oracles),
    slabs: sortedObject([...st.slabs.entries()].map(([id, s]) => [hx(id), observeSlab(s)])),
    events: st.events.map((e) => val(e)),
  };
}

/** PERP-OBS-003 (R3): the public depth of one side: (price, total qty) per level of LIVE orders — reserved quantity is not shown separately. */
export function publicDepth(s: SlabState, instrument: bigint, side: 0 | 1): [bigint, bigint][] {
  const ins = s.instruments[Number(instrument)];
  const out: [bigint, bigint][] = [];
  if (!ins) return out;
  for (let cur = side === 0 ? ins.bidHead : ins.askHead; cur !== NIL; cur = at(s.orders, cur).next) {
    const o = at(s.orders, cur);
    const last = out[out.length - 1];
    if (last && last[0] === o.px) last[1] += o.qty;
    else out.push([o.px, o.qty]);
  }
  return out;
}

/** PERP-OBS-004 (OBS1): the Merkle root a publisher posts: leaves are (top-level key, canonical JSON) of the snapshot, sorted by key. */
export function observeRoot(st: PerpState): string {
  const snap = observe(st) as { [k: string]: Json };
  const enc = new TextEncoder();
  return bytesToHex(merkleRoot(Object.keys(snap).sort().map((k) => leafHash(enc.encode(k), enc.encode(JSON.stringify(snap[k]))))));
}
