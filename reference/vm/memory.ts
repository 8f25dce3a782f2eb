/**
 * Linear memory of a module call (spec/curvevm.md §7, VM-MEM-*): byte-addressed, little-endian,
 * bounds-checked, grown in 64 KiB pages up to min(the module's maxPages, the call's memory grant),
 * zero-initialised, then the module's data segments copied in.
 */
import { Halt } from './halts.ts';
import { PAGE_BYTES } from './module.ts';

export class Memory {
  bytes: Uint8Array;
  pages: number;

  constructor(pages: number) {
    this.pages = pages;
    this.bytes = new Uint8Array(pages * PAGE_BYTES);
  }

  get size(): number {
    return this.pages * PAGE_BYTES;
  }

  /** Bounds check of [addr, addr+len): addr is a word, so anything ≥ 2^53 is out of range. */
  check(addr: bigint, len: number): number {
    if (addr < 0n || addr + BigInt(len) > BigInt(this.size)) throw new Halt('memory_oob', `[${addr}, +${len}) outside ${this.size} bytes`);
    return Number(addr);
  }

  /** A length operand: a word no larger than the memory (else `memory_oob`), as a number. */
  length(len: bigint): number {
    if (len > BigInt(this.size)) throw new Halt('memory_oob', `length ${len}`);
    return Number(len);
  }

  grow(by: number): void {
    const next = new Uint8Array((this.pages + by) * PAGE_BYTES);
    next.set(this.bytes);
    this.bytes = next;
    this.pages += by;
  }
}
