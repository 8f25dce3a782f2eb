/** Little-endian byte writer/reader for canonical encodings. The reader reports failures by offset. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(x: number): this {
    this.ensure(1);
    this.buf[this.len++] = x & 0xff;
    return this;
  }

  u16(x: number): this {
    this.ensure(2);
    this.buf[this.len++] = x & 0xff;
    this.buf[this.len++] = (x >>> 8) & 0xff;
    return this;
  }

  u32(x: number): this {
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.buf[this.len++] = (x >>> (8 * i)) & 0xff;
    return this;
  }

  uint(x: bigint, width: number): this {
    this.ensure(width);
    let v = x;
    for (let i = 0; i < width; i++) {
      this.buf[this.len++] = Number(v & 0xffn);
      v >>= 8n;
    }
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  get length(): number {
    return this.len;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Thrown by ByteReader; callers convert it to their own typed error with the offset. */
export class ReadPastEnd extends Error {
  constructor(
    readonly offset: number,
    readonly wanted: number,
  ) {
    super(`unexpected end of input: wanted ${wanted} byte(s)`);
  }
}

export class ByteReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ReadPastEnd(this.pos, n);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const v = (b[this.pos] as number) | ((b[this.pos + 1] as number) << 8);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    let v = 0;
    for (let i = 3; i >= 0; i--) v = v * 256 + (this.bytes[this.pos + i] as number);
    this.pos += 4;
    return v;
  }

  uint(width: number): bigint {
    this.need(width);
    let v = 0n;
    for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[this.pos + i] as number);
    this.pos += width;
    return v;
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
