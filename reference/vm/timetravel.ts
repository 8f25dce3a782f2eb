/**
 * Time-travel debugging (spec/curvevm.md §11, VM-TRACE-*). Execution is deterministic, so any step can be
 * reached again by replaying the call from its pre-state and pausing before that step: stepping
 * backwards is a replay to step − 1. A TraceCursor walks a recorded trace both ways; `replayTo` gives the
 * full machine view (stack, locals, memory) at a step, and leaves the world exactly as it was.
 */
import { execute, Pause, type CallOptions, type MachineView, type TraceStep } from './interpreter.ts';
import type { ModuleStore } from './store.ts';
import type { World } from './world.ts';

export interface CallSpec {
  readonly store: ModuleStore;
  readonly world: World;
  readonly module: string;
  readonly entry: string;
  readonly args: readonly bigint[];
  readonly opts: CallOptions;
}

/** Replay `call` and stop before `step`; undefined when the call ends before reaching it. */
export function replayTo(call: CallSpec, step: number): MachineView | undefined {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  // Replay on a copy: a call that runs to its end before `step` commits (VM-STATE-003), which a journal
  // rollback of the caller's world could not undo.
  const world = call.world.clone();
  try {
    execute(call.store, world, call.module, call.entry, call.args, { ...call.opts, trace: false, pauseAt: step });
    return undefined;
  } catch (e) {
    if (e instanceof Pause) return e.view;
    throw e;
  }
}

/** A cursor over a recorded trace: forward, backward, seek, and search. */
export class TraceCursor {
  private i = 0;
  constructor(readonly steps: readonly TraceStep[]) {}

  get index(): number {
    return this.i;
  }

  current(): TraceStep | undefined {
    return this.steps[this.i];
  }

  forward(n = 1): TraceStep | undefined {
    this.i = Math.min(this.steps.length - 1, this.i + n);
    return this.current();
  }

  back(n = 1): TraceStep | undefined {
    this.i = Math.max(0, this.i - n);
    return this.current();
  }

  seek(i: number): TraceStep | undefined {
    this.i = Math.max(0, Math.min(this.steps.length - 1, i));
    return this.current();
  }

  /** Move to the next step (after the current one) matching `pred`; stays put when none does. */
  findNext(pred: (s: TraceStep) => boolean): TraceStep | undefined {
    for (let j = this.i + 1; j < this.steps.length; j++) {
      if (pred(this.steps[j] as TraceStep)) {
        this.i = j;
        return this.current();
      }
    }
    return undefined;
  }

  /** Move to the previous step matching `pred`. */
  findPrev(pred: (s: TraceStep) => boolean): TraceStep | undefined {
    for (let j = this.i - 1; j >= 0; j--) {
      if (pred(this.steps[j] as TraceStep)) {
        this.i = j;
        return this.current();
      }
    }
    return undefined;
  }
}
