/**
 * State invariants of spec/invariants.md, checked on any model state (PERP-INV-*): each violation is a
 * string starting with the invariant id. Usable after every step of a property test. Checks that need
 * prices (RM4) run only when `now` is given and the feeds are fresh.
 */
import { escrowTotal, vault } from './custody.ts';
import { PerpFault } from './errors.ts';
import { listSlots } from './book.ts';
import { exposuresOf, requirement } from './margin.ts';
import { freeList, usedSlots, type Pool } from './pool.ts';
import { fundingOwed } from './position.ts';
import { MAX_ROUTES, type PerpState, type SlabState } from './types.ts';

function poolIntegrity<T>(name: string, p: Pool<T>, out: string[]): void {
  const free = freeList(p);
  const set = new Set(free);
  const nullSlots = p.slots.flatMap((v, i) => (v === null ? [i] : []));
  if (free.length !== set.size || set.size !== nullSlots.length || nullSlots.some((i) => !set.has(i)) || p.used !== p.slots.length - free.length)
    out.push(`PFM2 ${name}: free list ≠ free slots (free ${free.length}, null ${nullSlots.length}, used ${p.used})`);
}

/** S5, S6, S7, M1, M2: the lists of every instrument. */
function bookInvariants(tag: string, s: SlabState, out: string[]): void {
  const seen = new Map<number, string>();
  for (const ins of s.instruments) {
    const lists: [string, number, 'LIVE' | 'PENDING', 0 | 1 | null][] = [
      ['bids', ins.bidHead, 'LIVE', 0],
      ['asks', ins.askHead, 'LIVE', 1],
      ['pending', ins.pendingHead, 'PENDING', null],
    ];
    for (const [name, first, state, side] of lists) {
      const slots = listSlots(s, first);
      const where = `${tag} instrument ${ins.index} ${name}`;
      if (slots.length > s.orders.slots.length) out.push(`S5 ${where}: cycle`);
      let prev = -1;
      for (const slot of slots) {
        const o = s.orders.slots[slot];
        if (!o) {
          out.push(`S5 ${where}: free slot ${slot} linked`);
          break;
        }
        if (seen.has(slot)) out.push(`S5 ${where}: slot ${slot} also in ${seen.get(slot)}`);
        seen.set(slot, where);
        if (o.prev !== prev) out.push(`S5 ${where}: slot ${slot} prev ${o.prev} ≠ ${prev}`);
        if (o.state !== state) out.push(`${state === 'LIVE' ? 'S7/M2' : 'S5'} ${where}: order ${o.id} is ${o.state}`);
        if (o.instrument !== ins.index || (side !== null && o.side !== side)) out.push(`S5 ${where}: order ${o.id} on the wrong list`);
        const p = prev >= 0 ? s.orders.slots[prev] : null;
        if (side !== null && p) {
          const worse = side === 0 ? o.px > p.px : o.px < p.px;
          if (worse || (o.px === p.px && o.seq <= p.seq)) out.push(`S6/M1 ${where}: order ${o.id} out of price-time order`);
        }
        if (state === 'LIVE' && o.eligibleEpoch > ins.epoch) out.push(`S4 ${where}: order ${o.id} LIVE before its epoch`);
        prev = slot;
      }
      if (name === 'pending' && (slots.length ? slots[slots.length - 1] : -1) !== ins.pendingTail) out.push(`S5 ${where}: tail mismatch`);
    }
  }
  for (const [slot, o] of usedSlots(s.orders)) {
    if (!seen.has(slot)) out.push(`S5 ${tag}: order ${o.id} on no list`);
    if (o.reservedQty < 0n || o.reservedQty > o.qty) out.push(`S5/M4 ${tag}: order ${o.id} reserved ${o.reservedQty} of ${o.qty}`);
    const ins = s.instruments[Number(o.instrument)];
    if (ins && (o.px % ins.tick !== 0n || o.qty % ins.lot !== 0n)) out.push(`S3 ${tag}: order ${o.id} off tick/lot`);
  }
}

/** S8, M4: slices on each order sum to its reserved_qty; reservations and the hold index agree. */
function reservationInvariants(tag: string, s: SlabState, out: string[]): void {
  const sliced = new Map<number, bigint>();
  let slices = 0;
  for (const [slot, r] of usedSlots(s.reservations)) {
    if (s.holdSlot.get(r.holdId) !== slot) out.push(`S8 ${tag}: hold ${r.holdId.toString(16)} not indexed`);
    let sum = 0n;
    for (let cur = r.sliceHead, n = 0; cur !== -1; cur = s.slices.slots[cur]?.next ?? -1, n++) {
      const sl = s.slices.slots[cur];
      if (!sl || n > s.slices.slots.length) {
        out.push(`S8 ${tag}: broken slice list of hold ${r.holdId.toString(16)}`);
        break;
      }
      slices += 1;
      sum += sl.qty;
      const o = s.orders.slots[sl.orderSlot];
      if (o && o.id === sl.orderId) sliced.set(sl.orderSlot, (sliced.get(sl.orderSlot) ?? 0n) + sl.qty);
    }
    if (sum !== r.qty) out.push(`S9 ${tag}: hold ${r.holdId.toString(16)} slices ${sum} ≠ qty ${r.qty}`);
  }
  if (slices !== s.slices.used) out.push(`S8 ${tag}: ${s.slices.used - slices} orphan slices`);
  if (s.holdSlot.size !== s.reservations.used) out.push(`S8 ${tag}: hold index size ≠ reservations`);
  for (const [slot, o] of usedSlots(s.orders)) {
    if ((sliced.get(slot) ?? 0n) !== o.reservedQty) out.push(`S8/M4 ${tag}: order ${o.id} slices ${sliced.get(slot) ?? 0n} ≠ reserved ${o.reservedQty}`);
  }
}

/** VAL3: open interest balances per instrument; returns the slab's claim term T_s (spec/perp.md §13). */
function positionInvariants(tag: string, s: SlabState, out: string[]): bigint {
  const oi = s.instruments.map(() => 0n);
  let claim = s.feesAccrued;
  for (const [, p] of usedSlots(s.positions)) {
    const ins = s.instruments[Number(p.instrument)];
    if (!ins) continue;
    oi[Number(p.instrument)] = (oi[Number(p.instrument)] ?? 0n) + p.qty;
    claim += p.realised - fundingOwed(p, ins) - p.cost;
    if (p.qty % ins.lot !== 0n) out.push(`S3 ${tag}: position of ${p.owner} off lot`);
    if (p.qty === 0n && p.cost !== 0n) out.push(`S10 ${tag}: flat position of ${p.owner} has cost ${p.cost}`);
  }
  oi.forEach((q, i) => {
    if (q !== 0n) out.push(`VAL3 ${tag}: instrument ${i} open interest ${q} ≠ 0`);
  });
  return claim;
}

/** P5, P7, R6: escrows are non-negative and equal the remaining of their unburned caps; caps never grow. */
function custodyInvariants(st: PerpState, out: string[]): void {
  const c = st.custody;
  const backing = new Map<string, bigint>();
  for (const [id, cap] of c.caps) {
    if (cap.remaining < 0n || cap.remaining > cap.amountMax) out.push(`P7 cap ${id}: remaining ${cap.remaining} of ${cap.amountMax}`);
    const k = `${cap.user.toString(16)}/${cap.slab.toString(16)}/${cap.asset.toString(16)}`;
    if (!cap.burned) backing.set(k, (backing.get(k) ?? 0n) + cap.remaining);
  }
  for (const [k, e] of c.escrows) {
    if (e.balance < 0n) out.push(`P5 escrow ${k}: negative`);
    if (e.balance !== (backing.get(k) ?? 0n)) out.push(`P5/R6 escrow ${k}: balance ${e.balance} ≠ Σ open cap remaining ${backing.get(k) ?? 0n}`);
  }
  for (const [k, v] of backing) if (v !== 0n && !c.escrows.has(k)) out.push(`P5 escrow ${k}: missing, caps hold ${v}`);
  for (const [k, v] of c.vaults) if (v < 0n) out.push(`P3 vault ${k}: negative`);
  for (const [k, v] of c.wallets) if (v < 0n) out.push(`P3 wallet ${k}: negative`);
  if (st.router.routes.size > MAX_ROUTES) out.push(`PERP-ROUTE-007 ${st.router.routes.size} routes recorded, above MAX_ROUTES`);
  for (const r of st.router.routes.values()) {
    if (r.status !== 'open') out.push(`PERP-ROUTE-007 route ${r.routeId.toString(16)}: a ${r.status} route still holds a record`);
    for (const l of r.legs) {
      const cap = c.caps.get(l.capId);
      const held = st.slabs.get(l.slab)?.holdSlot.has(l.holdId) ?? false;
      if (l.status === 'open' && (!cap || cap.burned || !held)) out.push(`P6 route ${r.routeId.toString(16)}: open leg without live cap or hold`);
      if (l.status !== 'open' && (!cap || !cap.burned || held)) out.push(`F2 route ${r.routeId.toString(16)}: closed leg with live cap or hold`);
    }
  }

}

/** RM4: for every user with exposure, Σ per-position IM (gross) ≥ the net portfolio IM. */
function marginInvariants(st: PerpState, now: bigint, out: string[]): void {
  const users = new Set<bigint>();
  for (const s of st.slabs.values()) for (const [, p] of usedSlots(s.positions)) users.add(p.owner);
  for (const u of users) {
    try {
      const exps = exposuresOf(st, u, now);
      const gross = requirement(exps, (e) => e.qty, (e) => e.imrBps, 'gross');
      const net = requirement(exps, (e) => e.qty, (e) => e.imrBps, 'net');
      if (gross < net) out.push(`RM4 user ${u}: Σ slab IM ${gross} < router IM ${net}`);
    } catch (e) {
      if (!(e instanceof PerpFault)) throw e;
    }
  }
}

/**
 * PERP-INV-001: every violated state invariant. `hostTotal`, when given, is the Σ wallets + vault +
 * escrows of the collateral asset at genesis (VAL2).
 */
export function checkInvariants(st: PerpState, opts: { now?: bigint; hostTotal?: bigint } = {}): string[] {
  const out: string[] = [];
  let claims = 0n;
  for (const [id, s] of st.slabs) {
    const tag = `slab ${id.toString(16)}`;
    for (const [name, p] of [['orders', s.orders], ['reservations', s.reservations], ['slices', s.slices], ['positions', s.positions], ['aggressors', s.aggressors]] as const)
      poolIntegrity(`${tag} ${name}`, p as Pool<unknown>, out);
    bookInvariants(tag, s, out);
    reservationInvariants(tag, s, out);
    claims += positionInvariants(tag, s, out);
  }
  custodyInvariants(st, out);
  const r = st.router;
  const asset = r.params.asset;
  let cash = 0n;
  for (const v of r.cash.values()) cash += v;
  let fees = 0n;
  for (const v of r.fees.values()) fees += v;
  const v = vault(st.custody, asset);
  if (v !== cash + r.insurance + fees + claims) out.push(`VAL1 vault ${v} ≠ Σ cash ${cash} + insurance ${r.insurance} + fees ${fees} + slab claims ${claims}`);
  if (r.insurance < 0n) out.push(`P3 insurance negative`);
  if (opts.hostTotal !== undefined) {
    let wallets = 0n;
    const suffix = '/' + asset.toString(16);
    for (const [k, w] of st.custody.wallets) if (k.endsWith(suffix)) wallets += w;
    const total = wallets + v + escrowTotal(st.custody, asset);
    if (total !== opts.hostTotal) out.push(`VAL2 Σ wallets + vault + escrows ${total} ≠ genesis ${opts.hostTotal}`);
  }
  if (opts.now !== undefined) marginInvariants(st, opts.now, out);
  return out;
}
