// The memory a worker thread shares with its Python process: a file in /dev/shm
// (tmpfs; elsewhere the system's temporary folder) that Python maps and the worker
// reads and writes with pread/pwrite. Event data never crosses the pipe, which carries
// only small frames: a waveform is copied once from Python's arrays into the file and
// once from the file into the ring buffer (and the other way for reading).
//
// Regions, each aligned to a page: one where the worker puts a batch of events Python
// asked for (rbExport/rbTransfer/rbProcess/rbObserver), and two halves per output
// buffer, which Python fills in turn while the worker copies the other into the ring
// buffer (its ack frees a half). Python gets the plan in its init frame; the worker
// removes the file's name as soon as Python has said anything (it has mapped it by then).
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RingBufferLayout } from '../../src-shared/ringbuffer';
import { eventBytes } from './frames';

/** Bytes a batch may take at least (a batch of small events fits up to 64 of them). */
const MIN_REGION = 1 << 20;
const PAGE = 4096;
const alignUp = (n: number) => Math.ceil(n / PAGE) * PAGE;

export interface SharedPlan {
  path: string;
  size: number;
  /** Where the worker puts events Python reads or observes (size 0 when it reads none). */
  read: { offset: number; size: number };
  /** Per output buffer, in RB_assign order: the first of two halves and their size. */
  sinks: { offset: number; half: number }[];
}

/** Where the file goes: tmpfs where there is one, so that nothing reaches a disk. */
export function sharedFolder(): string {
  return process.platform === 'linux' && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * Removes files an engine killed at the wrong moment left (a shared file whose Python never
 * said hello, a fork server's socket): those named after a process that no longer runs.
 */
export function sweepStale(dir = sharedFolder()): string[] {
  const gone: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return gone;
  }
  for (const name of names) {
    const m = /^ringscope-(?:python|fork)-(\d+)-[0-9a-f]+(?:\.sock)?$/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    gone.push(name);
  }
  return gone;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SharedFile {
  readonly plan: SharedPlan;
  private readonly fd: number;
  private scratch: Buffer;
  private named = true;

  constructor(reads: RingBufferLayout[], writes: RingBufferLayout[]) {
    const biggestRead = Math.max(0, ...reads.map(eventBytes));
    let offset = 0;
    const read = { offset, size: biggestRead ? alignUp(Math.max(MIN_REGION, biggestRead)) : 0 };
    offset += read.size;
    const sinks = writes.map((l) => {
      const half = alignUp(Math.max(MIN_REGION, eventBytes(l)));
      const s = { offset, half };
      offset += 2 * half;
      return s;
    });
    const path = join(sharedFolder(), `ringscope-python-${process.pid}-${randomBytes(6).toString('hex')}`);
    this.fd = openSync(path, 'wx+', 0o600);
    try {
      ftruncateSync(this.fd, Math.max(offset, PAGE));
    } catch (e) {
      closeSync(this.fd);
      rmSync(path, { force: true });
      throw e;
    }
    this.plan = { path, size: Math.max(offset, PAGE), read, sinks };
    this.scratch = Buffer.allocUnsafe(Math.max(read.size, ...sinks.map((s) => s.half), 0));
  }

  /** Events Python may read in one batch of a buffer. */
  readCapacity(layout: RingBufferLayout): number {
    return Math.floor(this.plan.read.size / eventBytes(layout));
  }

  /** A buffer of `bytes` to fill and hand to putRead (reused: valid until the next call). */
  readScratch(bytes: number): Buffer {
    return this.scratch.subarray(0, bytes);
  }

  /** Writes the first `bytes` of `data` into the read region. */
  putRead(data: Buffer): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.plan.read.offset + done);
  }

  /** The first `bytes` of half `half` of output `index` (a view of a reused buffer: valid until the next call). */
  takeWritten(index: number, half: number, bytes: number): Buffer {
    const s = this.plan.sinks[index];
    const out = this.scratch.subarray(0, bytes);
    let done = 0;
    while (done < bytes) {
      const n = readSync(this.fd, out, done, bytes - done, s.offset + half * s.half + done);
      if (n === 0) throw new Error(`the shared file of the Python process ended early (${done} of ${bytes} bytes)`);
      done += n;
    }
    return out;
  }

  /** Removes the file's name (both sides keep what they opened). */
  unlink(): void {
    if (!this.named) return;
    this.named = false;
    rmSync(this.plan.path, { force: true });
  }

  close(): void {
    this.unlink();
    closeSync(this.fd);
  }
}
