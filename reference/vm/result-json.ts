/**
 * The JSON form of an execution result (spec/curvevm.md §11, VM-RESULT-JSON): bigints as `0x` hex,
 * bytes as `0x` hex, stable key order. `curve run --json`, conformance vectors and adapters all use it.
 */
import { bigToJson, bytesToHex } from '../lib/hex.ts';
import type { ExecResult, TraceStep } from './interpreter.ts';

export interface ResultJson {
  status: string;
  halt?: string;
  revertCode?: string;
  gasUsed: number;
  results: string[];
  returnData: string;
  logs: { module: string; topics: string[]; data: string }[];
  stateDiff: { key: string; before: string; after: string }[];
  stateRoot?: string;
  trace?: TraceStepJson[];
}

export interface TraceStepJson {
  depth: number;
  module: string;
  fn: number;
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  stack: string[];
  memSize: number;
}

export function traceStepJson(s: TraceStep): TraceStepJson {
  return { depth: s.depth, module: s.module, fn: s.fn, pc: s.pc, op: s.op, gas: s.gas, gasCost: s.gasCost, stack: s.stack.map(bigToJson), memSize: s.memSize };
}

export function resultJson(r: ExecResult): ResultJson {
  return {
    status: r.status,
    ...(r.halt ? { halt: r.halt } : {}),
    ...(r.revertCode !== undefined ? { revertCode: bigToJson(r.revertCode) } : {}),
    gasUsed: r.gasUsed,
    results: r.results.map(bigToJson),
    returnData: '0x' + bytesToHex(r.returnData),
    logs: r.logs.map((l) => ({ module: l.module, topics: l.topics.map(bigToJson), data: '0x' + bytesToHex(l.data) })),
    stateDiff: r.stateDiff.map((d) => ({ key: d.key, before: d.before, after: d.after })),
    ...(r.stateRoot ? { stateRoot: r.stateRoot } : {}),
    ...(r.trace ? { trace: r.trace.map(traceStepJson) } : {}),
  };
}
