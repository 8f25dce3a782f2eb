/**
 * Router logs → the golden model's events (spec/perp.md PERP-OP-002, §14): each event of
 * stdlib/router.curve names the model event kind it stands for and the model's field names, in the
 * template's field order. Versions (module ids, PERP-REG-008) become the model's hash text through the
 * driver's map; a maker order's state word becomes 'LIVE' / 'PENDING'; a bool becomes 0n / 1n.
 */
import type { CompiledEvent } from '../../compiler/artifact.ts';
import { readUintLE, toSigned } from '../../lib/u128.ts';
import type { PerpEvent } from '../model/types.ts';

const SHAPES: Readonly<Record<string, { readonly kind: string; readonly fields: readonly string[] }>> = {
  Deposit: { kind: 'deposit', fields: ['user', 'amount'] },
  Withdraw: { kind: 'withdraw', fields: ['user', 'amount'] },
  InsuranceFunded: { kind: 'insurance_funded', fields: ['from', 'amount'] },
  Reserved: { kind: 'reserved', fields: ['routeId', 'slab', 'holdId', 'capId', 'qty', 'vwap', 'worstPx', 'maxCharge'] },
  Committed: { kind: 'committed', fields: ['routeId', 'slab', 'holdId', 'filled', 'notional', 'fee', 'tax'] },
  RouteCancelled: { kind: 'route_cancelled', fields: ['routeId', 'legs'] },
  RouteFailed: { kind: 'route_failed', fields: ['routeId', 'code'] },
  Settle: { kind: 'settle', fields: ['user', 'amount'] },
  OrderPlaced: { kind: 'order_placed', fields: ['slab', 'user', 'orderId', 'instrument', 'side', 'px', 'qty', 'state'] },
  OrderCancelled: { kind: 'order_cancelled', fields: ['slab', 'user', 'orderId', 'reservedQty'] },
  VersionApproved: { kind: 'version_approved', fields: ['versionHash'] },
  SlabRegistered: { kind: 'slab_registered', fields: ['slab', 'versionHash'] },
  SlabFees: { kind: 'slab_fees', fields: ['slab', 'makerBps', 'takerBps'] },
  SlabVersion: { kind: 'slab_version', fields: ['slab', 'versionHash'] },
  Dlp: { kind: 'dlp', fields: ['slab', 'user', 'on'] },
  BatchOpen: { kind: 'batch_open', fields: ['slab', 'instrument', 'epoch', 'promoted'] },
  FundingTick: { kind: 'funding', fields: ['slab', 'instrument', 'intervals', 'ratePerContract', 'cumFunding'] },
  MarginCall: { kind: 'margin_call', fields: ['user', 'equity', 'mm'] },
  MarginRestored: { kind: 'margin_restored', fields: ['user'] },
  Liquidation: { kind: 'liquidation', fields: ['user', 'slab', 'instrument', 'closed', 'notional', 'fee'] },
  InsurancePaid: { kind: 'insurance_paid', fields: ['user', 'amount'] },
};

const BYTES: Readonly<Record<string, number>> = { u64: 8, bool: 1, u128: 16, i128: 16, address: 16 };

/**
 * An event's data (CS-LAYOUT-002 bytes, fields in declaration order) as named values: `i128` signed, a
 * field named `state` as the order state text, every other value through `map` (default: the raw word).
 */
export function decodeEventFields(ev: CompiledEvent, data: Uint8Array, names: readonly string[], map: (name: string, raw: bigint) => bigint | string = (_, v) => v): Record<string, bigint | string> {
  const out: Record<string, bigint | string> = {};
  let at = 0;
  ev.fields.forEach((f, i) => {
    const size = BYTES[f.type];
    if (size === undefined) throw new Error(`internal assertion failed: event field type ${f.type}`);
    const raw = readUintLE(data, at, size);
    at += size;
    const name = names[i] as string;
    out[name] = f.type === 'i128' ? toSigned(raw) : name === 'state' ? (raw === 1n ? 'PENDING' : 'LIVE') : map(name, raw);
  });
  return out;
}

/** The event kinds a router log can decode to (for tests that the table covers the template). */
export const ROUTER_EVENT_NAMES: readonly string[] = Object.keys(SHAPES);

/** Decode one router log; `versionHash` maps a version word (module id) to the model's hash text. */
export function decodeRouterEvent(ev: CompiledEvent, data: Uint8Array, versionHash: (v: bigint) => string): PerpEvent {
  const shape = SHAPES[ev.name];
  if (!shape || shape.fields.length !== ev.fields.length) throw new Error(`internal assertion failed: router event ${ev.name} has no model shape`);
  return { kind: shape.kind, data: decodeEventFields(ev, data, shape.fields, (name, raw) => (name === 'versionHash' ? versionHash(raw) : raw)) };
}
