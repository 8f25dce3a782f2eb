/**
 * The syscall table (spec/curvevm.md §8, VM-SYS-*): host operations reached by `SYSCALL id`.
 * Data, like the opcode table: id, name, the capability it requires (null = none), stack effect, gas.
 * Fallible host operations push a status word (0 = ok, see SYS_STATUS) instead of trapping, so a program
 * can `require` with its own error code; the host never changes state on a non-zero status.
 */
import type { CapabilityName } from './capabilities.ts';

export interface SyscallInfo {
  readonly id: number;
  readonly name: string;
  readonly cap: CapabilityName | null;
  /** Arguments popped, deepest first (the names document the order). */
  readonly params: readonly string[];
  /** Results pushed, deepest first. */
  readonly results: readonly string[];
  readonly gas: number;
  readonly spec: string;
  readonly doc: string;
}

/** Status words pushed by fallible syscalls. */
export const SYS_STATUS = {
  OK: 0n,
  NO_SUCH_CAP: 1n,
  SCOPE: 2n,
  EXPIRED: 3n,
  BURNED: 4n,
  EXCEEDS_REMAINING: 5n,
  EXCEEDS_BALANCE: 6n,
  OVERFLOW: 7n,
} as const;

export const SYSCALLS = [
  { id: 0x01, name: 'CLOCK', cap: 'clock.read', params: [], results: ['now'], gas: 2, spec: 'VM-SYS-CLOCK', doc: 'the injected clock of the call (ticks)' },
  { id: 0x02, name: 'ORACLE', cap: 'oracle.read', params: ['feed'], results: ['price', 'publish_time'], gas: 40, spec: 'VM-SYS-ORACLE', doc: 'latest price and publish time of a feed (0, 0 when unknown)' },
  { id: 0x03, name: 'SELF', cap: null, params: [], results: ['self_id'], gas: 2, spec: 'VM-SYS-SELF', doc: 'the running module id (low 128 bits of its hash)' },
  { id: 0x04, name: 'CALLER', cap: null, params: [], results: ['caller_id'], gas: 2, spec: 'VM-SYS-CALLER', doc: 'the calling module id, or the origin for a top-level call' },
  { id: 0x05, name: 'ORIGIN', cap: null, params: [], results: ['origin'], gas: 2, spec: 'VM-SYS-ORIGIN', doc: 'the account that signed the top-level call' },
  { id: 0x10, name: 'ESCROW_BALANCE', cap: 'escrow.read', params: ['user', 'slab', 'asset'], results: ['balance'], gas: 30, spec: 'VM-SYS-ESCROW-BALANCE', doc: 'escrow balance of (user, slab, asset)' },
  { id: 0x11, name: 'ESCROW_NONCE', cap: 'escrow.read', params: ['user', 'slab', 'asset'], results: ['nonce'], gas: 30, spec: 'VM-SYS-ESCROW-NONCE', doc: 'anti-replay nonce of the escrow' },
  { id: 0x12, name: 'ESCROW_CREDIT', cap: 'escrow.write', params: ['user', 'slab', 'asset', 'amount'], results: ['status'], gas: 60, spec: 'VM-SYS-ESCROW-CREDIT', doc: 'move amount from vault(asset) into the escrow' },
  { id: 0x13, name: 'ESCROW_DEBIT', cap: 'escrow.write', params: ['user', 'slab', 'asset', 'amount'], results: ['status'], gas: 60, spec: 'VM-SYS-ESCROW-DEBIT', doc: 'move amount from the escrow back to vault(asset)' },
  { id: 0x14, name: 'ESCROW_BUMP_NONCE', cap: 'escrow.write', params: ['user', 'slab', 'asset'], results: ['nonce'], gas: 40, spec: 'VM-SYS-ESCROW-NONCE', doc: 'increment the escrow nonce; pushes the new nonce' },
  { id: 0x20, name: 'VAULT_BALANCE', cap: 'escrow.read', params: ['asset'], results: ['balance'], gas: 30, spec: 'VM-SYS-VAULT', doc: 'vault balance of an asset' },
  { id: 0x21, name: 'VAULT_DEPOSIT', cap: 'vault.write', params: ['user', 'asset', 'amount'], results: ['status'], gas: 60, spec: 'VM-SYS-VAULT', doc: 'move amount from wallet(user, asset) into vault(asset)' },
  { id: 0x22, name: 'VAULT_WITHDRAW', cap: 'vault.write', params: ['user', 'asset', 'amount'], results: ['status'], gas: 60, spec: 'VM-SYS-VAULT', doc: 'move amount from vault(asset) to wallet(user, asset)' },
  { id: 0x30, name: 'CAP_MINT', cap: 'cap.mint', params: ['user', 'slab', 'asset', 'amount_max', 'expiry'], results: ['cap_id'], gas: 80, spec: 'VM-SYS-CAP-MINT', doc: 'mint a debit cap scoped to (user, slab, asset); ids count up from 1' },
  { id: 0x31, name: 'CAP_BURN', cap: 'cap.mint', params: ['cap_id'], results: ['status'], gas: 40, spec: 'VM-SYS-CAP-BURN', doc: 'burn a cap (idempotent: burning a burned cap is ok)' },
  { id: 0x32, name: 'CAP_REMAINING', cap: 'escrow.read', params: ['cap_id'], results: ['remaining'], gas: 30, spec: 'VM-SYS-CAP-READ', doc: 'remaining amount of a cap (0 when unknown or burned)' },
  { id: 0x33, name: 'CAP_DEBIT', cap: 'cap.debit', params: ['cap_id', 'amount'], results: ['status'], gas: 100, spec: 'VM-SYS-CAP-DEBIT', doc: 'the guarded debit: scope, expiry, burn, remaining and balance checked, then both decremented' },
] as const satisfies readonly SyscallInfo[];

export type SyscallName = (typeof SYSCALLS)[number]['name'];

const byId = new Map<number, SyscallInfo>(SYSCALLS.map((s) => [s.id, s]));
export function syscallById(id: number): SyscallInfo | undefined {
  return byId.get(id);
}

const byName = new Map<string, SyscallInfo>(SYSCALLS.map((s) => [s.name, s]));
export function syscallByName(name: string): SyscallInfo | undefined {
  return byName.get(name);
}
