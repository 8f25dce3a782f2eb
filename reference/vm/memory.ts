/**
 * Linear memory of a module call (spec/curvevm.md §7, VM-MEM-*): byte-addressed, little-endian,
 * bounds-checked, grown in 64 KiB pages up to min(the module's maxPages, the call's memory grant),
 * zero-initialised, then the module's data segments copied in.
 *
 * Reuse. Allocating and zero-filling a fresh buffer for every module call was a large part of a short
 * call's time (PFM1), so a memory's buffer comes from a small pool of zeroed buffers and goes back to it
 * when the module call ends (`release`, called by the interpreter). A reused buffer is indistinguishable
 * from a fresh one (VM-MEM-001): every byte a call may have written lies below `dirty`, and `release`
 * zeroes [0, dirty) before pooling. Writers keep `dirty` up to date: every bounds check (`check`, used by
 * every handler before it touches the bytes, reads included), `write` (data segments), and the fast
 * path's inline stores (`wrote`). test/vm/memory-pool.test.ts checks that pooled buffers are all zero.
 */
import { Halt } from './halts.ts';
import { PAGE_BYTES } from './module.ts';

/** Buffers of at most this many pages are pooled. */
const POOL_MAX_PAGES = 4;
/** Buffers kept per size: one per live module call of the deepest call tree (VM-CALL-005 allows 16 + 1). */
const POOL_DEPTH = 20;
/** Zeroed buffers by page count (index 1..POOL_MAX_PAGES). */
const pool: Uint8Array[][] = Array.from({ length: POOL_MAX_PAGES + 1 }, () => []);

/** What a released memory holds: no bytes at all. */
const RELEASED = new Uint8Array(0);

function zeroedBuffer(bytes: number): Uint8Array {
  const pages = bytes / PAGE_BYTES;
  return (pages <= POOL_MAX_PAGES ? pool[pages]?.pop() : undefined) ?? new Uint8Array(bytes);
}

export class Memory {
  bytes: Uint8Array;
  pages: number;
  /** Every byte at or past `dirty` is zero. */
  private dirty = 0;

  constructor(pages: number) {
    this.pages = pages;
    this.bytes = zeroedBuffer(pages * PAGE_BYTES);
  }

  get size(): number {
    return this.pages * PAGE_BYTES;
  }

  /** Bounds check of [addr, addr+len): addr is a word, so anything ≥ 2^53 is out of range. */
  check(addr: bigint, len: number): number {
    if (addr < 0n || addr + BigInt(len) > BigInt(this.size)) throw new Halt('memory_oob', `[${addr}, +${len}) outside ${this.size} bytes`);
    const at = Number(addr);
    this.wrote(at + len);
    return at;
  }

  /** A length operand: a word no larger than the memory (else `memory_oob`), as a number. */
  length(len: bigint): number {
    if (len > BigInt(this.size)) throw new Halt('memory_oob', `length ${len}`);
    return Number(len);
  }

  /** Copy `data` in at `offset` (in bounds: data segments are validated against the initial pages). */
  write(data: Uint8Array, offset: number): void {
    this.bytes.set(data, offset);
    this.wrote(offset + data.length);
  }

  /** Bytes below `end` may have been written directly (the fast path's inline stores). */
  wrote(end: number): void {
    if (end > this.dirty) this.dirty = end;
  }

  grow(by: number): void {
    const next = new Uint8Array((this.pages + by) * PAGE_BYTES);
    next.set(this.bytes);
    this.bytes = next;
    this.pages += by;
  }

  /** The module call is over: zero what may have been written and pool the buffer. Not usable after. */
  release(): void {
    const b = this.bytes;
    const pages = b.length / PAGE_BYTES;
    this.bytes = RELEASED;
    this.pages = 0;
    const free = pages <= POOL_MAX_PAGES ? pool[pages] : undefined;
    if (!free || pages === 0 || free.length >= POOL_DEPTH) return;
    b.fill(0, 0, this.dirty);
    free.push(b);
  }
}

/** For tests: the pooled buffers, each of which must be all zero. */
export function pooledBuffers(): readonly Uint8Array[] {
  return pool.flat();
}
