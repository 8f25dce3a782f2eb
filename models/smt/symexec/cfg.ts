/**
 * Control flow of one validated function for the symbolic executor: successors of each instruction and
 * immediate post-dominators (Cooper–Harvey–Kennedy on the reverse graph). The executor forks at a
 * symbolic `JUMPI` and merges the two sides where they meet again — at the branch's immediate
 * post-dominator — so a structured `if` inside a bounded loop costs one merged state, not 2^n paths.
 * `REVERT` and `TRAP` have no successors: a `require` does not keep its branch from merging.
 */
import type { Instr } from '../../../reference/vm/instructions.ts';

/** The virtual exit node (after RET). */
export const EXIT = -1;
/** No post-dominator: the instruction cannot reach a RET. */
export const NONE = -2;

export function successors(instrs: readonly Instr[], indexOfPc: ReadonlyMap<number, number>, i: number): number[] {
  const ins = instrs[i] as Instr;
  switch (ins.info.name) {
    case 'JUMP':
      return [indexOfPc.get(ins.arg) as number];
    case 'JUMPI':
      return [i + 1, indexOfPc.get(ins.arg) as number];
    case 'RET':
      return [EXIT];
    case 'REVERT':
    case 'TRAP':
      return [];
    default:
      return [i + 1];
  }
}

/** Immediate post-dominator of every instruction index (EXIT, an index, or NONE). */
export function postDominators(instrs: readonly Instr[], indexOfPc: ReadonlyMap<number, number>): Int32Array {
  const n = instrs.length;
  const exitNode = n;
  const succ: number[][] = [];
  const preds: number[][] = Array.from({ length: n + 1 }, () => []);
  for (let i = 0; i < n; i++) {
    const s = successors(instrs, indexOfPc, i).map((x) => (x === EXIT ? exitNode : x));
    succ.push(s);
    for (const t of s) (preds[t] as number[]).push(i);
  }
  // post-order of the reverse graph from the exit (iterative DFS along CFG predecessors)
  const order = new Int32Array(n + 1).fill(-1);
  const post: number[] = [];
  const seen = new Uint8Array(n + 1);
  const stack: [number, number][] = [[exitNode, 0]];
  seen[exitNode] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1] as [number, number];
    const ps = preds[top[0]] as number[];
    if (top[1] < ps.length) {
      const p = ps[top[1]++] as number;
      if (!seen[p]) {
        seen[p] = 1;
        stack.push([p, 0]);
      }
    } else {
      order[top[0]] = post.length;
      post.push(top[0]);
      stack.pop();
    }
  }
  const idom = new Int32Array(n + 1).fill(-1);
  idom[exitNode] = exitNode;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((order[a] as number) < (order[b] as number)) a = idom[a] as number;
      while ((order[b] as number) < (order[a] as number)) b = idom[b] as number;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const b = post[k] as number;
      let nd = -1;
      for (const s of succ[b] as number[]) {
        if (idom[s] === -1) continue;
        nd = nd === -1 ? s : intersect(s, nd);
      }
      if (nd !== -1 && idom[b] !== nd) {
        idom[b] = nd;
        changed = true;
      }
    }
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = idom[i] === -1 ? NONE : idom[i] === exitNode ? EXIT : (idom[i] as number);
  return out;
}
