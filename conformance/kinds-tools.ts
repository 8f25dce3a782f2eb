/**
 * Kinds for the CurveVM tooling rules (spec/conformance.md CONF-KIND-006, CONF-KIND-007):
 *
 * - `vm.trace`: the calls of a `vm.call` input, each with its full per-step trace (VM-TRACE-001, in
 *   VM-RESULT-JSON form), plus the machine view at chosen steps of the first call, obtained by replay
 *   (VM-TRACE-002: stack, locals, a digest of memory; the world left as it was).
 * - `vm.asm`: `.casm` text → module bytes and content address (VM-ASM-001); or module bytes → the bytes
 *   of assembling their disassembly and of re-encoding their decoding, both equal to the input for every
 *   module that decodes (VM-ASM-002, VM-MOD-CANON).
 */
import { CurveError } from '../reference/lib/errors.ts';
import { sha256Hex } from '../reference/lib/hash.ts';
import { bigToJson, bytesToHex, hexToBytes } from '../reference/lib/hex.ts';
import { assembleToBytes } from '../reference/vm/asm.ts';
import { disassemble } from '../reference/vm/disasm.ts';
import { decodeModule, encodeModule, moduleHashHex } from '../reference/vm/module.ts';
import { replayTo } from '../reference/vm/timetravel.ts';
import type { CallExpect, VmCallInput } from './format.ts';
import { callExpectOf, callOptions, execCall, loadPre, registerKind } from './kinds.ts';
import { referenceTraces } from './trace.ts';

export interface VmTraceInput extends VmCallInput {
  /** Steps (0-based, over the call tree) of the first call at which to replay and show the machine. */
  readonly replay: readonly number[];
}

/** The machine before step k (VM-TRACE-002), without the memory bytes (their sha256 instead). */
export interface ReplayView {
  readonly step: number;
  readonly depth: number;
  readonly fn: number;
  readonly pc: number;
  readonly op: string;
  readonly gas: number;
  readonly stack: readonly string[];
  readonly locals: readonly string[];
  readonly memory: { readonly size: number; readonly sha256: string };
}

registerKind({
  kind: 'vm.trace',
  run(req, hooks = {}) {
    const input = req.input as VmTraceInput;
    const traces = referenceTraces(req, hooks);
    const { store, world } = loadPre(req.pre);
    const results: CallExpect[] = [];
    let replay: (ReplayView | null)[] = [];
    input.calls.forEach((c, i) => {
      if (i === 0) {
        const spec = { store, world, module: c.module, entry: c.entry, args: c.args.map((a) => BigInt(a)), opts: callOptions(c) };
        replay = input.replay.map((k) => {
          try {
            const v = replayTo(spec, k);
            return v ? { step: k, depth: v.depth, fn: v.fn, pc: v.pc, op: v.op, gas: v.gas, stack: v.stack.map(bigToJson), locals: v.locals.map(bigToJson), memory: { size: v.memory.length, sha256: sha256Hex(v.memory) } } : null;
          } catch (e) {
            if (e instanceof CurveError) return null;
            throw e;
          }
        });
      }
      const r = execCall(store, world, c, hooks);
      results.push('error' in r ? r : callExpectOf(r));
    });
    return { calls: results, traces, replay };
  },
});

registerKind({
  kind: 'vm.asm',
  run(req) {
    const input = req.input as { source?: string; module?: string };
    if (input.source !== undefined) {
      try {
        const bytes = assembleToBytes(input.source, 'input.casm');
        return { module: '0x' + bytesToHex(bytes), hash: moduleHashHex(bytes) };
      } catch (e) {
        // An assembly error names its place (VM-ASM-001: errors name file:line:col); the message is advisory.
        if (e instanceof CurveError && e.code === 'ASM') return { error: 'VM-ASM-001', at: e.where };
        throw e;
      }
    }
    const bytes = hexToBytes(input.module ?? '0x');
    const m = decodeModule(bytes).module;
    return { reassembled: '0x' + bytesToHex(assembleToBytes(disassemble(m), 'disasm.casm')), reencoded: '0x' + bytesToHex(encodeModule(m)) };
  },
});
