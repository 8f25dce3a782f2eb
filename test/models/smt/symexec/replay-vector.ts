/**
 * Replay of a `vm.call` regression vector from its JSON alone (conformance/vectors/regressions/): every
 * module it lists goes into one store, the pre-state is read back, and the first call runs with a trace.
 */
import { hexToBytes } from '../../../../reference/lib/hex.ts';
import { execute } from '../../../../reference/vm/interpreter.ts';
import { worldFromJson } from '../../../../reference/vm/state-json.ts';
import { ModuleStore } from '../../../../reference/vm/store.ts';

export function replayVector(v: Record<string, unknown>) {
  const pre = v.pre as { modules: Record<string, string>; state: Record<string, unknown> };
  const call = (v.input as { calls: { module: string; entry: string; args: string[]; gasLimit: number; now: string; origin: string }[] }).calls[0]!;
  const store = new ModuleStore();
  for (const [h, bytes] of Object.entries(pre.modules)) store.addExpecting(h, hexToBytes(bytes));
  const world = worldFromJson(pre.state);
  const before = world.clone();
  const res = execute(store, world, call.module, call.entry, call.args.map(BigInt), { gasLimit: call.gasLimit, now: BigInt(call.now), origin: BigInt(call.origin), trace: true });
  return { res, before, world, args: call.args.map(BigInt), now: BigInt(call.now), lm: store.link(call.module) };
}
