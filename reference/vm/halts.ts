/**
 * Halts (spec/curvevm.md §7, VM-TRAP-*). Inside the interpreter a halt or revert is thrown as one of the
 * private classes below; the module-call boundary catches only those and turns them into a result value
 * (STYLE.md §3). Anything else thrown is a bug and propagates.
 */
export const HALT_KINDS = [
  'out_of_gas',
  'overflow',
  'div_by_zero',
  'memory_oob',
  'memory_limit',
  'storage_oob',
  'capability',
  'grant',
  'call_depth',
  'unreachable',
  'invalid_argument',
] as const;
export type HaltKind = (typeof HALT_KINDS)[number];

export class Halt {
  constructor(
    readonly kind: HaltKind,
    readonly detail = '',
  ) {}
}

export class Revert {
  constructor(readonly code: bigint) {}
}

/** Status words a CALL pushes for its callee (VM-CALL-004). */
export const CALL_STATUS = { ok: 0n, revert: 1n, halt: 2n } as const;

/** The code word a CALL pushes for a halted callee: 1 + index of the halt kind. */
export function haltCode(kind: HaltKind): bigint {
  return BigInt(HALT_KINDS.indexOf(kind) + 1);
}
