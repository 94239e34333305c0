// The serial connection with the real serialport binding over a real pty pair
// (socat); a separate writer process plays the device, including garbage, a
// partial frame and an unplug/replug (socat killed and restarted on the same
// link names).
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PtyPair, PtyWriter, haveSocat, waitFor } from '../../test/support/serial/pty';
import { standaloneCopy } from '../../test/support/serial/standalone';
import type { FieldLayout } from '../runtime/event-layout';
import { SerialConnection, SerialOpenError, type PortState } from './connection';
import { FrameDecoder, decodePayload, encodePayload, parseSyncWord } from './frames';
import { LineDecoder } from './lines';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-pty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (path: string) => ({ path, baudRate: 115200, dataBits: 8 as const, parity: 'none' as const, stopBits: 1 as const });

let pair: PtyPair;
let writer: PtyWriter | null = null;
let conn: SerialConnection<unknown> | null = null;

beforeAll(() => {
  if (!haveSocat()) throw new Error('socat is not installed: apt-get install socat (CI does this in .ci/run)');
});

afterEach(async () => {
  await conn?.close();
  await writer?.exit();
  await pair?.stop();
  conn = writer = null;
});

/** Collects every record the connection yields, as the source would take them. */
function drain<R>(c: SerialConnection<R>): R[] {
  const got: R[] = [];
  void (async () => {
    for (;;) {
      const n = c.next();
      const r = n instanceof Promise ? await n : n;
      if (r === null) return;
      got.push(r);
    }
  })();
  return got;
}

describe('serial over a pty pair', () => {
  it('lines: header, garbage, a line cut by an unplug, reconnect and resume', async () => {
    pair = new PtyPair(join(dir, 'lines'));
    await import('node:fs').then((fs) => fs.mkdirSync(join(dir, 'lines'), { recursive: true }));
    await pair.start();
    const states: PortState[] = [];
    const c = new SerialConnection<number[]>({
      settings: settings(pair.a),
      decoder: new LineDecoder({ values: 3 }),
      retryMs: { first: 20, max: 200 },
      onState: (s) => states.push(s),
    });
    conn = c as SerialConnection<unknown>;
    await c.open();
    const got = drain(c);
    writer = new PtyWriter(pair.b);

    await writer.write('RingScope demo sketch\r\ntime_ms,a0,a1\r\n');
    await writer.write('100,512,3.3\r\n200,51');
    await writer.write('3,3.25\r\n');
    await waitFor(() => got.length === 2, 'two lines');
    await writer.write('\x00\xff\xfe garbage\r\n300,514\r\n400,x,1\r\n500,515,3.5\r\n');
    await waitFor(() => got.length === 3, 'the third good line');
    // A line cut off by the unplug.
    await writer.write('600,5');
    await waitFor(() => c.decoder.counts.bad === 3 && c.decoder.buffered === 5, 'the cut line to arrive');

    await pair.stop();
    await waitFor(() => c.state === 'disconnected', 'the disconnect');
    await pair.start();
    await waitFor(() => c.state === 'connected', 'the reconnect');
    await writer.reopen();
    await writer.write('time_ms,a0,a1\r\n700,520,3.6\r\n800,521,3.7\r\n');
    await waitFor(() => got.length === 5, 'lines after the reconnect');

    expect(got).toEqual([
      [100, 512, 3.3],
      [200, 513, 3.25],
      [500, 515, 3.5],
      [700, 520, 3.6],
      [800, 521, 3.7],
    ]);
    // bad: the garbage line, "300,514" (2 values), "400,x,1", and "600,5" cut by the unplug.
    expect(c.decoder.counts).toEqual({ good: 5, bad: 4, header: 3, skippedBytes: 0 });
    expect(c.disconnects).toBe(1);
    expect(c.reconnects).toBe(1);
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
  });

  it('frames: garbage, a partial frame, big-endian values, resync, unplug and resume', async () => {
    const sub = join(dir, 'frames');
    await import('node:fs').then((fs) => fs.mkdirSync(sub, { recursive: true }));
    pair = new PtyPair(sub);
    await pair.start();
    const layout: FieldLayout[] = [
      { name: 'seq', dtype: 'uint32', samples: 1 },
      { name: 'adc', dtype: 'int16', samples: 64 },
    ];
    const sync = parseSyncWord('AA55');
    const rec = (i: number) => [i, ...Array.from({ length: 64 }, (_, k) => (k - 32) * i)];
    const frame = (i: number) => Buffer.concat([Buffer.from(sync), Buffer.from(encodePayload(layout, 'big', rec(i)))]);
    const dec = new FrameDecoder({ sync, layout, byteOrder: 'big' });
    const c = new SerialConnection<Uint8Array>({ settings: settings(pair.a), decoder: dec, retryMs: { first: 20, max: 200 }, quietMs: 30 });
    conn = c as SerialConnection<unknown>;
    await c.open();
    const got = drain(c);
    writer = new PtyWriter(pair.b);

    await writer.write(Buffer.concat([Buffer.from('boot noise'), frame(1), frame(2)]));
    await writer.write(Buffer.concat([frame(3), frame(4).subarray(0, 40)]));
    await writer.write(Buffer.concat([frame(5), frame(6)]));
    await waitFor(() => got.length === 5, 'five frames');
    // A partial frame, then the device goes away.
    await writer.write(frame(7).subarray(0, 50));
    await waitFor(() => dec.counts.bad === 2 && dec.buffered === 50, 'the partial frame to arrive');
    await pair.stop();
    await waitFor(() => c.state === 'disconnected', 'the disconnect');
    await pair.start();
    await waitFor(() => c.state === 'connected', 'the reconnect');
    await writer.reopen();
    await writer.write(Buffer.concat([frame(8), frame(9)]));
    await waitFor(() => got.length === 7, 'frames after the reconnect');

    const seqs = got.map((p) => {
      const fields = { seq: new Uint32Array(1), adc: new Int16Array(64) };
      decodePayload(p, layout, 'big', fields);
      expect([...fields.adc]).toEqual(rec(fields.seq[0]).slice(1));
      return fields.seq[0];
    });
    expect(seqs).toEqual([1, 2, 3, 5, 6, 8, 9]);
    // bad: the boot noise, frame 4 cut short, frame 7 cut by the unplug.
    expect(dec.counts.good).toBe(7);
    expect(dec.counts.bad).toBe(3);
    expect(c.reconnects).toBe(1);
  });

  it('a port held by another process is reported busy; a missing one as not found', async () => {
    const sub = join(dir, 'busy');
    await import('node:fs').then((fs) => fs.mkdirSync(sub, { recursive: true }));
    pair = new PtyPair(sub);
    await pair.start();
    const first = new SerialConnection<number[]>({ settings: settings(pair.a), decoder: new LineDecoder({ values: 1 }) });
    conn = first as SerialConnection<unknown>;
    await first.open();
    const second = new SerialConnection<number[]>({ settings: settings(pair.a), decoder: new LineDecoder({ values: 1 }) });
    const busy = await second.open().then(() => null, (e: unknown) => e);
    await second.close();
    expect(busy).toBeInstanceOf(SerialOpenError);
    expect((busy as Error).message).toMatch(new RegExp(`^serial port ${pair.a} is busy: another program has it open`));

    const missing = new SerialConnection<number[]>({ settings: settings(join(sub, 'nothing-here')), decoder: new LineDecoder({ values: 1 }) });
    const nf = await missing.open().then(() => null, (e: unknown) => e);
    await missing.close();
    expect((nf as Error).message).toMatch(new RegExp(`^serial port ${join(sub, 'nothing-here')} not found\\.`));
  });

  it.runIf(process.getuid?.() === 0)('permission denied names the group to join (opened as an unprivileged user)', async () => {
    const sub = join(dir, 'perm');
    await import('node:fs').then((fs) => fs.mkdirSync(sub, { recursive: true }));
    pair = new PtyPair(sub);
    await pair.start();
    // As a USB serial device: root:<group>, mode 660. The group is uucp (as on Arch), not Debian's
    // dialout, so the message can only have it from the device itself.
    const dev = realpathSync(pair.a);
    const uucp = 10;
    chownSync(dev, 0, uucp);
    chmodSync(dev, 0o660);
    chmodSync(dir, 0o755);
    chmodSync(sub, 0o755);
    // nobody may not be able to read this checkout (a clone in root's home is mode 700):
    // the opener runs from a bundled copy, with serialport beside it, in this world-readable folder.
    const opener = await standaloneCopy(join(import.meta.dirname, '../../test/support/serial/open-port.ts'), join(sub, 'opener'), ['serialport']);
    const r = spawnSync(process.execPath, [opener, pair.a], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      cwd: sub,
      env: { ...process.env, USER: 'nobody', HOME: sub },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`permission denied for serial port ${pair.a}: it belongs to group "uucp". Join it with \`sudo usermod -aG uucp $USER\`, then log out and back in.`);
  });

  it('a worker thread reading a port can be terminated: the process lives on and the port is closed', async () => {
    const sub = join(dir, 'terminate');
    await import('node:fs').then((fs) => fs.mkdirSync(sub, { recursive: true }));
    pair = new PtyPair(sub);
    await pair.start();
    const worker = new Worker(new URL('../ts-bootstrap.mjs', import.meta.url), {
      workerData: { __entry: new URL('../../test/support/serial/hold-port.ts', import.meta.url).href, path: pair.a },
    });
    const got: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => (m === 'open' ? resolve() : got.push(m)));
      worker.once('error', reject);
    });
    writer = new PtyWriter(pair.b);
    await writer.write('1\n2\n');
    await waitFor(() => got.length === 2, 'data read in the worker');
    await writer.write('3\n');
    await worker.terminate();
    // The port was held by the worker's serial host process: it closes the port once the worker is gone.
    const free = async () => {
      const c = new SerialConnection<number[]>({ settings: settings(pair.a), decoder: new LineDecoder({ values: 1 }) });
      const ok = await c.open().then(() => true, () => false);
      await c.close();
      return ok;
    };
    const t0 = Date.now();
    let ok = await free();
    while (!ok && Date.now() - t0 < 10_000) ok = await free();
    expect(ok).toBe(true);
    expect(got.slice(0, 2)).toEqual([1, 2]);
  });

  it('notices every unplug, also when the hung-up tty reads as empty (ten cycles)', async () => {
    // After the pty master goes, the slave may read 0 bytes forever instead of failing;
    // serialport would spin on that without reporting a disconnect (the host turns it into EIO).
    const sub = join(dir, 'cycles');
    await import('node:fs').then((fs) => fs.mkdirSync(sub, { recursive: true }));
    pair = new PtyPair(sub);
    await pair.start();
    const c = new SerialConnection<number[]>({ settings: settings(pair.a), decoder: new LineDecoder({ values: 1 }), retryMs: { first: 10, max: 50 } });
    conn = c as SerialConnection<unknown>;
    await c.open();
    const got = drain(c);
    for (let i = 1; i <= 10; i++) {
      writer = new PtyWriter(pair.b);
      await writer.write(`${i}\n`);
      await waitFor(() => got.length === i, `line ${i}`);
      await writer.exit();
      writer = null;
      await pair.stop();
      await waitFor(() => c.state === 'disconnected', `disconnect ${i}`);
      await pair.start();
      await waitFor(() => c.state === 'connected', `reconnect ${i}`);
    }
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    expect(c.disconnects).toBe(10);
    expect(c.reconnects).toBe(10);
  });
});
