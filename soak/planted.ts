/**
 * Planted bugs (spec/sequencer.md SEQ-SOAK-PLANT-*): known defects the simulator's checkers must find
 * within a bounded number of seeds, to show they have teeth. Each names what it breaks.
 */
import type * as M from '../reference/perp/model/index.ts';
import { ModelExecutor } from '../reference/sequencer/model-executor.ts';
import { VmExecutor } from '../reference/sequencer/vm-executor.ts';

export type PlantedBug = 'double-commit' | 'ttl-off-by-one' | 'no-quorum' | 'skip-cert-check';
export const PLANTED_BUGS: readonly PlantedBug[] = ['double-commit', 'ttl-off-by-one', 'no-quorum', 'skip-cert-check'];

/** An executor that applies a successful commit's fill twice to the taker's position (breaks VAL1/VAL3). */
export class DoubleCommitExecutor extends ModelExecutor {
  protected override commit(user: bigint, routeId: bigint, chosen: M.Chosen[], now: bigint): M.OpResult<{ filled: bigint; charge: bigint }[]> {
    // the route's legs before the commit (a committed route frees its record, PERP-ROUTE-007)
    const legs = this.state.router.routes.get(routeId)?.legs ?? [];
    const r = super.commit(user, routeId, chosen, now);
    if (!r.ok) return r;
    const leg = legs.find((l) => l.holdId === chosen[0]?.holdId);
    const slab = leg ? r.state.slabs.get(leg.slab) : undefined;
    const pos = slab?.positions.slots.find((p) => p && p.owner === user && p.instrument === leg?.instrument);
    if (pos && leg) pos.qty += leg.side === 0 ? (r.out[0]?.filled ?? 0n) : -(r.out[0]?.filled ?? 0n);
    return r;
  }
}

/** A planted TTL bug over any executor: the sweep uses the previous batch boundary's time — one tick of the batch clock late (breaks F1). */
export function withTtlOffByOne<B extends new (...args: any[]) => ModelExecutor>(Base: B) {
  return class TtlOffByOne extends Base {
    private lastBoundary = 0n;
    protected override expire(now: bigint): string[] {
      const prev = this.lastBoundary;
      this.lastBoundary = now;
      return super.expire(prev);
    }
    override snapshot(): unknown {
      return { inner: super.snapshot(), lastBoundary: this.lastBoundary };
    }
    override restore(s: unknown): void {
      const x = s as { inner: unknown; lastBoundary: bigint };
      super.restore(x.inner);
      this.lastBoundary = x.lastBoundary;
    }
  };
}

export const TtlOffByOneExecutor = withTtlOffByOne(ModelExecutor);
/** The same bug in the CurveVM executor (SEQ-EXE-005): the checkers find it with VM execution on. */
export const TtlOffByOneVmExecutor = withTtlOffByOne(VmExecutor);
