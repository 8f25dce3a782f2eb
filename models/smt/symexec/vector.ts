/**
 * A reproduced counterexample as a conformance regression vector (spec/conformance.md; the `vm.call` kind
 * of conformance/format.ts): the module, the replay's pre-state (VM-STATE-JSON), entrypoint, arguments,
 * clock and origin, and the reference VM's result. The violated property is named in `description` and
 * `covers`. Pure: the caller writes the file under conformance/vectors/regressions/.
 */
import { bytesToHex } from '../../../reference/lib/hex.ts';
import { execute } from '../../../reference/vm/interpreter.ts';
import { MAX_PAGES } from '../../../reference/vm/module.ts';
import type { LoadedModule } from '../../../reference/vm/store.ts';
import type { Replayed } from './hoare.ts';

const hex = (x: bigint): string => '0x' + x.toString(16);

/** The module and every module it imports, transitively (a replay runs the real callees of its CALLs). */
function withImports(lm: LoadedModule, out: Record<string, string> = {}): Record<string, string> {
  if (out[lm.hashHex] !== undefined) return out;
  out[lm.hashHex] = '0x' + bytesToHex(lm.decoded.bytes);
  for (const m of lm.imports) withImports(m, out);
  return out;
}

export function regressionVector(r: Replayed, name: string, obligationId: string, invariants: readonly string[], format: string): Record<string, unknown> {
  const { subject: s, input } = r;
  const pre = input.world.toJSON();
  const res = execute(s.store, input.world.clone(), s.lm.hashHex, r.entry, input.args, { gasLimit: input.gasLimit, now: input.now, origin: input.origin, memoryPages: MAX_PAGES });
  return {
    format,
    edition: 1,
    id: `regressions/${name}/${obligationId.replace(/[^A-Za-z0-9_.-]+/g, '-')}`,
    kind: 'vm.call',
    description: `counterexample to ${obligationId}; expected violation: ${r.violation}`,
    covers: [...invariants],
    pre: { modules: withImports(s.lm), state: pre },
    input: { calls: [{ module: s.lm.hashHex, entry: r.entry, args: input.args.map(hex), gasLimit: input.gasLimit, now: hex(input.now), origin: hex(input.origin), memoryPages: MAX_PAGES }] },
    expect: {
      calls: [
        {
          status: res.status,
          ...(res.halt ? { halt: res.halt } : {}),
          ...(res.revertCode !== undefined ? { revertCode: hex(res.revertCode) } : {}),
          gasUsed: res.gasUsed,
          returnData: '0x' + bytesToHex(res.returnData),
          logs: res.logs.map((l) => ({ module: l.module, topics: l.topics.map(hex), data: '0x' + bytesToHex(l.data) })),
          stateDiff: res.stateDiff,
          stateRoot: res.stateRoot,
        },
      ],
    },
  };
}
