/**
 * Gas schedule (spec/curvevm.md §6, VM-GAS-*). Every amount is a named constant; the opcode table and the
 * syscall table refer to these names, and the spec's tables are generated from the code.
 * Provenance: tiers mirror the EVM's (very low / low / mid) scaled to u128 words; page and hash costs
 * were set so that the per-gas wall time of the reference interpreter is within 4× across families
 * (measured with `npm run bench -- vm`).
 */
export const G_ZERO = 0;
/** NOP, stack shuffles, locals, constants. */
export const G_BASE = 1;
/** add/sub/compare/bitwise/min/max/select. */
export const G_VERYLOW = 2;
/** mul/div/mod/shift and their signed forms. */
export const G_LOW = 4;
/** mul-div with rounding (256-bit intermediate). */
export const G_MID = 8;
export const G_JUMP = 2;
export const G_JUMPI = 3;
export const G_CALLF = 5;
export const G_RET = 2;
export const G_MEMORY = 3;
/** Per 16-byte word copied by MCOPY. */
export const G_COPY_WORD = 1;
/** Per 64 KiB page added by MGROW (memory growth is metered, VM-MEM-004). */
export const G_MEMORY_PAGE = 1024;
export const G_STORAGE_READ = 20;
export const G_STORAGE_WRITE = 50;
export const G_SHA256 = 60;
export const G_SHA256_WORD = 12;
export const G_KECCAK256 = 30;
export const G_KECCAK256_WORD = 6;
export const G_POSEIDON = 1200;
export const G_POSEIDON_INPUT = 300;
export const G_MERKLE = 60;
export const G_MERKLE_LEVEL = 80;
export const G_LOG = 50;
export const G_LOG_TOPIC = 25;
export const G_LOG_BYTE = 1;
/** Base cost of a cross-module CALL, before the callee's grant. */
export const G_CALL = 200;
export const G_GAS = 1;

/** Words of 32 bytes covering `len` bytes (hash pricing unit). */
export function words32(len: number): number {
  return Math.ceil(len / 32);
}

/** Words of 16 bytes covering `len` bytes (copy pricing unit). */
export function words16(len: number): number {
  return Math.ceil(len / 16);
}
