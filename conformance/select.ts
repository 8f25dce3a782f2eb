/** Choosing vectors: `--filter GLOB` over ids and `--shard i/n` (CONF-RUN-003, CONF-RUN-004). */
import { UsageError } from '../reference/lib/errors.ts';

/** `*` matches any run of characters (slashes included), `?` one character; everything else literally. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parse `i/n` (1 ≤ i ≤ n); bad text is a UsageError naming the flag. */
export function parseShard(text: string): Shard {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard expects i/n with 1 ≤ i ≤ n, got ${JSON.stringify(text)}`);
  return { index, count };
}

/**
 * Shard i of n takes the vectors at positions p (in id order) with p mod n = i − 1: the shards of one n are
 * disjoint, together they are the whole selection, and their sizes differ by at most one.
 */
export function inShard(position: number, shard: Shard): boolean {
  return position % shard.count === shard.index - 1;
}

/** Apply the filter, then the shard, to items sorted by id. */
export function select<T extends { readonly id: string }>(items: readonly T[], o: { filter?: string; shard?: Shard }): T[] {
  const re = o.filter !== undefined ? globToRegExp(o.filter) : undefined;
  const kept = items.filter((x) => !re || re.test(x.id));
  return o.shard ? kept.filter((_, i) => inShard(i, o.shard as Shard)) : kept;
}
