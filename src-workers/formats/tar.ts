// Members of a tar archive (POSIX ustar, GNU long names, pax headers), read
// header by header: an uncompressed .tar is read at offsets from the file (an
// archive of many events never sits in memory whole); a gzip-compressed one
// (.tar.gz, .tgz, .gz) is decompressed into memory first. bzip2 is refused
// with what to do (Node has no bzip2).
import { closeSync, fstatSync, openSync, readSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One regular file in the archive. */
export interface TarMember {
  name: string;
  size: number;
  /** Offset of the member's bytes. */
  offset: number;
}

/** A malformed or unsupported archive; the message names the file and where. */
export class TarError extends Error {
  override name = 'TarError';
}

const BLOCK = 512;

function text(b: Uint8Array, from: number, len: number): string {
  const s = b.subarray(from, from + len);
  const end = s.indexOf(0);
  return Buffer.from(end < 0 ? s : s.subarray(0, end)).toString('utf8');
}

function octal(b: Uint8Array, from: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB
  if (b[from]! & 0x80) {
    let v = 0;
    for (let i = from + 1; i < from + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  const t = text(b, from, len).trim();
  return t === '' ? 0 : /^[0-7]+$/.test(t) ? parseInt(t, 8) : NaN;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = octal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return stored === sum;
}

/** A tar archive opened for reading its regular files in archive order. */
export class TarArchive {
  private fd: number | null = null;
  private data: Uint8Array | null = null;
  private pos = 0;
  private length: number | undefined;

  constructor(readonly path: string) {
    const head = Buffer.alloc(3);
    const fd = openSync(path, 'r');
    readSync(fd, head, 0, 3, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      closeSync(fd);
      try {
        this.data = gunzipSync(readFileSync(path));
      } catch (e) {
        throw new TarError(`${path}: the gzip compression is damaged (${(e as Error).message})`);
      }
    } else if (head.toString('latin1') === 'BZh') {
      closeSync(fd);
      throw new TarError(`${path} is compressed with bzip2, which RingScope cannot read; unpack it first (bunzip2 ${path}) and name the .tar`);
    } else this.fd = fd;
  }

  private read(offset: number, len: number): Uint8Array {
    if (this.data) return this.data.subarray(offset, offset + len);
    const b = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd!, b, got, len - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return b.subarray(0, got);
  }

  /** The next regular file, or null at the end of the archive; throws TarError naming the offset of a damaged header. */
  next(): TarMember | null {
    let longName: string | null = null;
    for (;;) {
      const h = this.read(this.pos, BLOCK);
      if (h.length < BLOCK || h.every((x) => x === 0)) return null;
      if (!checksumOk(h)) throw new TarError(`${this.path}: not a tar archive, or damaged at byte ${this.pos} (header checksum wrong)`);
      const size = octal(h, 124, 12);
      if (!Number.isFinite(size)) throw new TarError(`${this.path}: damaged header at byte ${this.pos} (size field)`);
      const type = String.fromCharCode(h[156]! || 48);
      const offset = this.pos + BLOCK;
      this.pos = offset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L') {
        longName = text(this.read(offset, size), 0, size);
        continue;
      }
      if (type === 'x') {
        const pax = Buffer.from(this.read(offset, size)).toString('utf8');
        const m = /\d+ path=([^\n]*)\n/.exec(pax);
        if (m) longName = m[1]!;
        continue;
      }
      if (type !== '0' && type !== '7') {
        longName = null;
        continue; // folders, links, global headers: no event
      }
      const prefix = h[257] === 0x75 /* "ustar" */ ? text(h, 345, 155) : '';
      const name = longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
      longName = null;
      if (offset + size > this.size()) throw new TarError(`${this.path}: ${name} is cut off (the archive ends inside it)`);
      return { name, size, offset };
    }
  }

  /** A member's bytes. */
  bytes(m: TarMember): Uint8Array {
    return this.read(m.offset, m.size);
  }

  private size(): number {
    this.length ??= this.data ? this.data.length : fstatSync(this.fd!).size;
    return this.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.data = null;
  }
}

