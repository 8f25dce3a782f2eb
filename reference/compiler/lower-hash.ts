/**
 * The id built-ins in bytecode (spec/curvescript.md §8 CS-ID-003…005, CS-LOWER-HASH): each has one
 * scratch region in memory holding its domain tag (a data segment, so it is in place at every call),
 * then its arguments at fixed offsets, then the 32-byte digest. The byte layout is exactly the one
 * reference/script/ids.ts hashes, so a template computes the same ids as the tools.
 */
import { tagBytes } from '../script/ids.ts';
import type { Width } from './ir.ts';

export const HASH_BUILTINS = ['route_id', 'hold_id', 'commitment'] as const;
export type HashBuiltin = (typeof HASH_BUILTINS)[number];

/** Argument encodings in order: u128 (16), u64 (8), u8 (1, checked ≤ 255), bytes32 (two 16-byte words). */
const FIELDS: { readonly [K in HashBuiltin]: { readonly tag: string; readonly widths: readonly Width[] } } = {
  route_id: { tag: 'CURVE/route/v1', widths: [16, 8] },
  hold_id: { tag: 'CURVE/hold/v1', widths: [16, 16, 8] },
  // route, instrument, side (u8), qty, limit_px, salt (lo, hi)
  commitment: { tag: 'CURVE/commit/v1', widths: [16, 8, 1, 16, 16, 16, 16] },
};

export interface HashRegion {
  /** str(tag): u16 little-endian length ‖ UTF-8, preloaded at the region's start. */
  readonly tag: Uint8Array;
  /** One field per argument word: offset from the region's start and store width. */
  readonly fields: readonly { readonly offset: number; readonly width: Width }[];
  readonly inputBytes: number;
  readonly outOffset: number;
  readonly size: number;
}

export function hashRegion(which: HashBuiltin): HashRegion {
  const spec = FIELDS[which];
  const tag = tagBytes(spec.tag);
  let offset = tag.length;
  const fields = spec.widths.map((width) => {
    const f = { offset, width };
    offset += width;
    return f;
  });
  return { tag, fields, inputBytes: offset, outOffset: offset, size: offset + 32 };
}
