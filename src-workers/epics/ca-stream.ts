// Cuts a TCP byte stream into CA messages. A declared payload beyond the limit
// is refused before any of it is buffered: a hostile 2 GB extended header costs
// 24 bytes, not 2 GB.
import { decodeHeader, type Header } from './protocol';

export interface CaMessage extends Header {
  payload: Buffer;
}

export class CaStream {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need = 16;

  constructor(private readonly maxPayload: number) {}

  /**
   * Adds bytes and returns the complete messages, or an error naming the
   * oversized declaration (the stream is then unusable: close the connection).
   */
  push(chunk: Buffer): { messages: CaMessage[]; error?: string } {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: CaMessage[] = [];
    if (this.buffered < this.need) return { messages };
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    let off = 0;
    let error: string | undefined;
    for (;;) {
      const h = decodeHeader(buf, off);
      if (!h) {
        this.need = buf.length - off < 16 ? 16 : 24;
        break;
      }
      if (h.payloadSize > this.maxPayload) {
        error = `a message (command ${h.command}) declares a ${h.payloadSize}-byte payload, over the limit of ${this.maxPayload} bytes (EPICS_CA_MAX_ARRAY_BYTES)`;
        break;
      }
      const total = h.headerSize + h.payloadSize;
      if (buf.length - off < total) {
        this.need = total;
        break;
      }
      // Copied: a payload kept by a listener must not pin the whole receive buffer.
      messages.push({ ...h, payload: Buffer.from(buf.subarray(off + h.headerSize, off + total)) });
      off += total;
      this.need = 16;
    }
    const rest = error ? Buffer.alloc(0) : buf.subarray(off);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return { messages, error };
  }
}
