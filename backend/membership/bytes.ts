/**
 * Bounds-checked big-endian reading and writing for the heartbeat codec. The reader throws
 * one private error type on any overrun; the decoder turns it into a `malformed` result, so
 * the field-by-field code stays linear instead of checking a length before every read.
 */

export class Overrun extends Error {}

export class ByteReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(n: number): number {
    if (n > this.buf.length - this.offset) {
      throw new Overrun(`needs ${n} more bytes at offset ${this.offset}, has ${this.buf.length - this.offset}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.buf.readUInt8(this.take(1));
  }

  u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  u64(): bigint {
    return this.buf.readBigUInt64BE(this.take(8));
  }

  f64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  bytes(n: number): Buffer {
    const at = this.take(n);
    return this.buf.subarray(at, at + n);
  }

  /** A length-prefixed (one byte) string of ASCII characters. */
  str8(): string {
    return this.bytes(this.u8()).toString('latin1');
  }
}

export class ByteWriter {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  get length(): number {
    return this.offset;
  }

  /** The bytes written so far (a view, not a copy). */
  view(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  private take(n: number): number {
    if (n > this.buf.length - this.offset) {
      throw new RangeError(`heartbeat encoder overflow: ${this.offset + n} > ${this.buf.length} bytes`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(v: number): void {
    this.buf.writeUInt8(v, this.take(1));
  }

  u32(v: number): void {
    this.buf.writeUInt32BE(v, this.take(4));
  }

  u64(v: bigint): void {
    this.buf.writeBigUInt64BE(v, this.take(8));
  }

  f64(v: number): void {
    this.buf.writeDoubleBE(v, this.take(8));
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.take(b.length));
  }

  str8(s: string): void {
    const b = Buffer.from(s, 'latin1');
    if (b.length > 255) {
      throw new RangeError(`string of ${b.length} bytes does not fit a one-byte length`);
    }
    this.u8(b.length);
    this.bytes(b);
  }
}
