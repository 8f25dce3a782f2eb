/**
 * The slab registry and governance (spec/perp.md §11, PERP-REG-*; P10, P11, S2, ADV3, GOV1): only the
 * governance account approves code hashes, registers slabs and changes their fees; a slab is usable
 * only while registered with the hash of the code it runs.
 */
import { check, fail } from './errors.ts';
import { newSlab } from './slab.ts';
import { emit } from './state.ts';
import type { PerpState, RegistryEntry, SlabParams, SlabState } from './types.ts';

function requireGovernance(st: PerpState, caller: bigint): void {
  check(caller === st.router.params.governance, 'NOT_GOVERNANCE');
}

/** PERP-REG-001 (GOV1): governance approves a code hash. */
export function approveVersion(st: PerpState, caller: bigint, versionHash: string): void {
  requireGovernance(st, caller);
  st.router.approvedVersions.add(versionHash);
  emit(st, 'version_approved', { versionHash });
}

/** PERP-REG-002 (S2, ADV3): fees within the router FEE_CAPS. */
function checkFees(st: PerpState, makerBps: bigint, takerBps: bigint): void {
  const p = st.router.params;
  check(makerBps <= p.makerBpsMax && takerBps <= p.takerBpsMax, 'FEE_CAP');
}

/** Deploy a slab program (an operator action): its segment starts empty; it is not usable until registered. */
export function deploySlab(st: PerpState, slabId: bigint, params: SlabParams, now: bigint): SlabState {
  const s = newSlab(slabId, st.router.params.routerId, params, now);
  st.slabs.set(slabId, s);
  emit(st, 'slab_deployed', { slab: slabId, codeHash: params.versionHash });
  return s;
}

/** An operator replaces the slab's code: the registry entry goes stale until governance records the new hash (P11). */
export function upgradeSlabCode(st: PerpState, slabId: bigint, codeHash: string): void {
  const s = st.slabs.get(slabId);
  if (!s) fail('SLAB_NOT_REGISTERED');
  s.codeHash = codeHash;
  emit(st, 'slab_code', { slab: slabId, codeHash });
}

/** PERP-REG-003 (P10, GOV1, S2): governance registers a deployed slab whose code hash is approved. */
export function registerSlab(st: PerpState, caller: bigint, slabId: bigint): RegistryEntry {
  requireGovernance(st, caller);
  const s = st.slabs.get(slabId);
  if (!s) fail('SLAB_NOT_REGISTERED', 'not deployed');
  check(!st.router.registry.has(slabId), 'ALREADY_REGISTERED');
  check(st.router.approvedVersions.has(s.codeHash), 'UNKNOWN_VERSION');
  checkFees(st, s.header.makerBps, s.header.takerBps);
  const h = s.header;
  const e: RegistryEntry = { slab: slabId, versionHash: s.codeHash, imrBps: h.imrBps, mmrBps: h.mmrBps, makerBps: h.makerBps, takerBps: h.takerBps };
  st.router.registry.set(slabId, e);
  emit(st, 'slab_registered', { slab: slabId, versionHash: e.versionHash });
  return e;
}

/** PERP-REG-004 (P10, GOV1): governance records a new approved code hash for a registered slab. */
export function setSlabVersion(st: PerpState, caller: bigint, slabId: bigint, versionHash: string): void {
  requireGovernance(st, caller);
  const e = st.router.registry.get(slabId);
  if (!e) fail('SLAB_NOT_REGISTERED');
  check(st.router.approvedVersions.has(versionHash), 'UNKNOWN_VERSION');
  e.versionHash = versionHash;
  emit(st, 'slab_version', { slab: slabId, versionHash });
}

/** PERP-REG-005 (S2, ADV3): governance changes a slab's fees, within the caps, in the header and the registry together. */
export function setSlabFees(st: PerpState, caller: bigint, slabId: bigint, makerBps: bigint, takerBps: bigint): void {
  requireGovernance(st, caller);
  const e = st.router.registry.get(slabId);
  const s = st.slabs.get(slabId);
  if (!e || !s) fail('SLAB_NOT_REGISTERED');
  checkFees(st, makerBps, takerBps);
  e.makerBps = s.header.makerBps = makerBps;
  e.takerBps = s.header.takerBps = takerBps;
  emit(st, 'slab_fees', { slab: slabId, makerBps, takerBps });
}

/** PERP-REG-006: governance puts an account in or out of a slab's DLP maker class. */
export function setDlp(st: PerpState, caller: bigint, slabId: bigint, user: bigint, on: boolean): void {
  requireGovernance(st, caller);
  const s = st.slabs.get(slabId);
  if (!s) fail('SLAB_NOT_REGISTERED');
  const i = s.header.dlp.indexOf(user);
  if (on && i < 0) s.header.dlp.push(user);
  if (!on && i >= 0) s.header.dlp.splice(i, 1);
  emit(st, 'dlp', { slab: slabId, user, on: on ? 1n : 0n });
}

/** PERP-REG-007 (P11): the slab a router operation may use: registered, and running the registered code. */
export function usableSlab(st: PerpState, slabId: bigint): SlabState {
  const e = st.router.registry.get(slabId);
  const s = st.slabs.get(slabId);
  if (!e || !s) fail('SLAB_NOT_REGISTERED', slabId.toString(16));
  check(e.versionHash === s.codeHash, 'STALE_VERSION');
  return s;
}
