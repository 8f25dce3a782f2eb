/** Shared helpers of the CurveVM fillers: module text builders and the operand value sets. */
import { I128_MAX, U128_MAX } from '../../reference/lib/u128.ts';

export interface ProgramOptions {
  readonly params?: number;
  readonly results?: number;
  readonly locals?: number;
  /** `.caps` text (default none). */
  readonly caps?: string;
  /** `.memory` text (default `initial=1 max=2 storage=64`). */
  readonly memory?: string;
  /** Directives before the function (`.import`, `.data`, other functions). */
  readonly head?: string;
  /** Directives after the entry (more entries). */
  readonly tail?: string;
}

/** A module whose entry `main` runs `body`; parameters and results are u128. */
export function program(body: string, o: ProgramOptions = {}): string {
  const params = o.params ?? 0;
  const results = o.results ?? 1;
  const types = (n: number): string => Array.from({ length: n }, () => 'u128').join(' ');
  return [
    `.memory ${o.memory ?? 'initial=1 max=2 storage=64'}`,
    `.caps ${o.caps ?? 'none'}`,
    o.head ?? '',
    `.func main params=${params} results=${results} locals=${o.locals ?? 0}`,
    body,
    `.entry main main (${types(params)}) -> (${types(results)})`,
    o.tail ?? '',
    '',
  ].join('\n');
}

/** Lines pushing the first n parameters in order. */
export const lgets = (n: number): string => Array.from({ length: n }, (_, i) => `LGET ${i}`).join('\n');

/** Operand words at the edges of u128 and i128 (VM-WORD-001, VM-WORD-002). */
export const EDGE_WORDS: readonly bigint[] = [0n, 1n, 2n, 5n, (1n << 64n) + 3n, I128_MAX, 1n << 127n, U128_MAX];
/** Shift amounts around the word width (VM-OP-SHL, VM-OP-SHR, VM-OP-SAR). */
export const SHIFT_AMOUNTS: readonly bigint[] = [0n, 1n, 5n, 64n, 127n, 128n, 129n, U128_MAX];
/** Fewer words for three-operand products. */
export const SMALL_EDGE_WORDS: readonly bigint[] = [0n, 1n, 3n, (1n << 64n) + 3n, U128_MAX];

/** Cartesian product of operand lists. */
export function product(lists: readonly (readonly bigint[])[]): bigint[][] {
  return lists.reduce<bigint[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
}

export const hex = (x: bigint): string => '0x' + x.toString(16);
export const pad2 = (i: number): string => String(i).padStart(2, '0');
export const pad3 = (i: number): string => String(i).padStart(3, '0');
