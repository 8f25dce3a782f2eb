/**
 * Host custody of a CurveVM world in the golden model's `Custody` shape (spec/perp.md §13–14): wallets,
 * vaults, escrows (balance and nonce), caps and the next cap id, for the accounts, slabs and assets a
 * driver names. Zero balances and empty escrows are absent, as in the model (its maps drop them).
 */
import { readUintLE } from '../../lib/u128.ts';
import { hexToBytes } from '../../lib/hex.ts';
import type { Custody, Escrow } from '../model/types.ts';
import type { World } from '../../vm/world.ts';

const k2 = (a: bigint, b: bigint): string => `${a.toString(16)}/${b.toString(16)}`;

export interface CustodyKeys {
  readonly users: readonly bigint[];
  readonly slabs: readonly bigint[];
  readonly assets: readonly bigint[];
}

/** The world's next cap id (meta/next_cap; 1 when no cap was ever minted). */
export function nextCapId(w: World): bigint {
  const hex = w.valueHex('meta/next_cap');
  return hex === '' ? 1n : readUintLE(hexToBytes(hex), 0, 16);
}

export function custodyOf(w: World, keys: CustodyKeys): Custody {
  const wallets = new Map<string, bigint>();
  const vaults = new Map<bigint, bigint>();
  const escrows = new Map<string, Escrow>();
  for (const asset of keys.assets) {
    const v = w.vault(asset);
    if (v !== 0n) vaults.set(asset, v);
    for (const user of keys.users) {
      const b = w.wallet(user, asset);
      if (b !== 0n) wallets.set(k2(user, asset), b);
      for (const slab of keys.slabs) {
        const e = w.escrow(user, slab, asset);
        if (e.balance !== 0n || e.nonce !== 0n) escrows.set(`${k2(user, slab)}/${asset.toString(16)}`, e);
      }
    }
  }
  const next = nextCapId(w);
  const caps = new Map<bigint, NonNullable<ReturnType<World['cap']>>>();
  for (let id = 1n; id < next; id++) {
    const c = w.cap(id);
    if (c) caps.set(id, c);
  }
  return { wallets, vaults, escrows, caps, nextCap: next };
}
