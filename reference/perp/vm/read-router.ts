/**
 * Reads the Router module's storage segment (stdlib/router.curve) back into the golden model's router
 * records (spec/perp.md §3.2 router records, §14): cash, insurance, fees per slab, the open routes with
 * their legs in creation order (the open list: freed records are not routes, PERP-ROUTE-007), route nonces, the registry, approved versions, margin calls, and the account set
 * (PERP-RTR-006). Venue slab indices become slab ids and versions (module ids, PERP-REG-008) become the
 * model's hash text through the caller's maps. The record lists mirror the template's structs;
 * `checkRouterLayout` fails loudly when a stride differs.
 */
import type { StorageSlot } from '../../compiler/artifact.ts';
import type { Leg, LegStatus, RegistryEntry, Route, RouteStatus, RouterState } from '../model/types.ts';
import { recordSize, type Fields, type StorageView } from './layout.ts';

export const ACCOUNT: Fields = [['used', 'bool'], ['user', 'address'], ['cash', 'i128'], ['route_nonce', 'u64'], ['called', 'bool'], ['call_at', 'u64'], ['open_n', 'u64']];
export const ROUTE: Fields = [['id', 'u128'], ['user', 'address'], ['expiry', 'u64'], ['status', 'u64'], ['n', 'u64'], ['prev', 'u64'], ['next', 'u64']];
export const LEG: Fields = [
  ['slab', 'u64'], ['instrument', 'u64'], ['side', 'u64'], ['qty', 'u128'], ['hold', 'u128'], ['slot', 'u64'], ['cap', 'u128'], ['max_charge', 'u128'], ['status', 'u64'],
];
export const REG: Fields = [
  ['registered', 'bool'], ['version', 'u128'], ['imr_bps', 'u64'], ['mmr_bps', 'u64'], ['maker_bps', 'u64'], ['taker_bps', 'u64'], ['contract_size', 'u64'], ['feed', 'u128'],
];
const WORD: Fields = [['v', 'u128']];
const USED: Fields = [['used', 'bool']];

const ROUTER_FIELDS: Readonly<Record<string, Fields>> = { accounts: ACCOUNT, routes: ROUTE, legs: LEG, reg: REG, approved: WORD, fees: WORD };

/** PERP-ROUTE-001: legs per route (the template's MAX_LEGS). */
const MAX_LEGS = 8;
/** The template's NONE slot (end of a list). */
const NONE = 0xffffffff;
const ROUTE_STATUS: readonly RouteStatus[] = ['open', 'open', 'committed', 'cancelled', 'failed'];
const LEG_STATUS: readonly LegStatus[] = ['open', 'open', 'committed', 'cancelled'];

export function checkRouterLayout(storage: readonly StorageSlot[]): void {
  for (const [name, f] of Object.entries(ROUTER_FIELDS)) {
    const s = storage.find((x) => x.name === name);
    if (!s) throw new Error(`internal assertion failed: router storage has no ${name}`);
    if (s.stride !== recordSize(f)) throw new Error(`internal assertion failed: router ${name} stride ${s.stride} ≠ mirrored ${recordSize(f)}`);
  }
}

/** The router records of the model's RouterState (all but the params, which come from the compiled constants). */
export type RouterRecords = Omit<RouterState, 'params'>;

export interface RouterNames {
  /** Venue slab index → slab id (module id). */
  readonly slabIds: readonly bigint[];
  /** Version word (module id) → the model's version hash text. */
  readonly versionHash: (v: bigint) => string;
}

const b = (r: Readonly<Record<string, bigint | string>>, k: string): bigint => r[k] as bigint;

export function readRouter(v: StorageView, names: RouterNames): RouterRecords {
  const slabId = (i: bigint): bigint => {
    const id = names.slabIds[Number(i)];
    if (id === undefined) throw new Error(`internal assertion failed: router names slab index ${i}`);
    return id;
  };
  const cash = new Map<bigint, bigint>();
  const routeNonce = new Map<bigint, bigint>();
  const marginCalls = new Map<bigint, bigint>();
  const accounts = new Set<bigint>();
  for (let i = 0; i < v.capacity('accounts'); i++) {
    if (b(v.record('accounts', i, USED), 'used') === 0n) continue;
    const a = v.record('accounts', i, ACCOUNT);
    const user = b(a, 'user');
    accounts.add(user);
    if (b(a, 'cash') !== 0n) cash.set(user, b(a, 'cash'));
    if (b(a, 'route_nonce') !== 0n) routeNonce.set(user, b(a, 'route_nonce'));
    if (b(a, 'called') === 1n) marginCalls.set(user, b(a, 'call_at'));
  }
  const routes = new Map<bigint, Route>();
  const cap = v.capacity('routes');
  let steps = 0;
  for (let r = Number(v.scalar('open_head')); r !== NONE; r = Number(b(v.record('routes', r, ROUTE), 'next'))) {
    if (r < 0 || r >= cap || ++steps > cap) throw new Error(`internal assertion failed: router open-route list broken at slot ${r}`);
    const rec = v.record('routes', r, ROUTE);
    const legs: Leg[] = [];
    for (let k = 0; k < Number(b(rec, 'n')); k++) {
      const l = v.record('legs', r * MAX_LEGS + k, LEG);
      legs.push({
        slab: slabId(b(l, 'slab')),
        instrument: b(l, 'instrument'),
        side: Number(b(l, 'side')) as 0 | 1,
        qty: b(l, 'qty'),
        holdId: b(l, 'hold'),
        capId: b(l, 'cap'),
        maxCharge: b(l, 'max_charge'),
        status: LEG_STATUS[Number(b(l, 'status'))] ?? 'open',
      });
    }
    routes.set(b(rec, 'id'), { routeId: b(rec, 'id'), user: b(rec, 'user'), expiry: b(rec, 'expiry'), status: ROUTE_STATUS[Number(b(rec, 'status'))] ?? 'open', legs });
  }
  const registry = new Map<bigint, RegistryEntry>();
  const fees = new Map<bigint, bigint>();
  for (let i = 0; i < Math.min(v.capacity('reg'), names.slabIds.length); i++) {
    const e = v.record('reg', i, REG);
    const id = slabId(BigInt(i));
    const fee = b(v.record('fees', i, WORD), 'v');
    if (fee !== 0n) fees.set(id, fee);
    if (b(e, 'registered') === 0n) continue;
    registry.set(id, { slab: id, versionHash: names.versionHash(b(e, 'version')), imrBps: b(e, 'imr_bps'), mmrBps: b(e, 'mmr_bps'), makerBps: b(e, 'maker_bps'), takerBps: b(e, 'taker_bps') });
  }
  const approvedVersions = new Set<string>();
  for (let i = 0; i < Number(v.scalar('approved_n')); i++) approvedVersions.add(names.versionHash(b(v.record('approved', i, WORD), 'v')));
  return { cash, insurance: v.scalar('insurance', 'u128'), fees, routes, routeNonce, registry, approvedVersions, marginCalls, accounts };
}
