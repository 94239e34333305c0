// The serial connection over @serialport/binding-mock. SerialPortMock.binding
// is the CommonJS instance serialport itself uses; the ESM import of
// binding-mock would be a different one (with its own ports).
import { SerialPortStream } from '@serialport/stream';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { encodePayload, FrameDecoder, parseSyncWord } from './frames';
import { SerialConnection, SerialOpenError, type PortState } from './connection';
import type { SerialPortLike, SerialSettings } from './port';
import { describeOpenError } from './errors';
import { LineDecoder } from './lines';
import { waitFor } from '../../test/support/serial/pty';

const mock = SerialPortMock.binding;
type MockPort = Awaited<ReturnType<typeof mock.open>>;
type OpenOptions = Parameters<typeof mock.open>[0];

const settings = (path: string): SerialSettings => ({ path, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });

/** Wraps the mock binding: can unplug the device (reads fail, opens fail) and plug it back in. */
class Unpluggable implements Pick<typeof mock, 'list' | 'open'> {
  unplugged = false;
  current: MockPort | null = null;
  opens = 0;
  private failRead: ((e: Error) => void) | null = null;

  list() {
    return mock.list();
  }

  async open(o: OpenOptions): Promise<MockPort> {
    if (this.unplugged) throw new Error(`Error: No such file or directory, cannot open ${o.path}`);
    const p = await mock.open(o);
    this.opens++;
    const read = p.read.bind(p);
    p.read = (buf: Buffer, off: number, len: number) =>
      new Promise((resolve, reject) => {
        if (this.unplugged) return reject(new Error('EIO: i/o error, the device was unplugged'));
        this.failRead = reject;
        read(buf, off, len).then(resolve, reject);
      });
    this.current = p;
    return p;
  }

  unplug(): void {
    this.unplugged = true;
    this.failRead?.(new Error('EIO: i/o error, the device was unplugged'));
  }

  plugIn(): void {
    this.unplugged = false;
  }
}

async function take<R>(c: SerialConnection<R>, n: number): Promise<R[]> {
  const out: R[] = [];
  while (out.length < n) {
    const r = await c.next();
    if (r === null) break;
    out.push(r);
  }
  return out;
}

const open: SerialConnection<unknown>[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  mock.reset();
});

function connect<R>(path: string, decoder: LineDecoder | FrameDecoder, extra: Partial<ConstructorParameters<typeof SerialConnection<R>>[0]> = {}) {
  const ports: SerialPortLike[] = [];
  const states: PortState[] = [];
  const c = new SerialConnection<R>({
    settings: settings(path),
    decoder: decoder as never,
    provider: {
      create: (s) => {
        const p = new SerialPortMock({ ...s, autoOpen: false });
        ports.push(p as unknown as SerialPortLike);
        return p as unknown as SerialPortLike;
      },
    },
    describeError: async (p, err) => describeOpenError(p, err, { available: (await mock.list()).map((x: { path: string }) => x.path) }),
    onState: (s) => states.push(s),
    retryMs: { first: 10, max: 40 },
    ...extra,
  });
  open.push(c as SerialConnection<unknown>);
  const binding = () => (ports[ports.length - 1] as unknown as SerialPortMock).port!;
  return { c, ports, states, binding };
}

describe('SerialConnection over the mock binding', () => {
  it('decodes lines into records in order, across chunk boundaries', async () => {
    mock.createPort('/dev/ROBOT');
    const { c, binding, states } = connect<number[]>('/dev/ROBOT', new LineDecoder({ values: 3 }));
    await c.open();
    expect(c.state).toBe('connected');
    binding().emitData('t,a,b\r\n1,2,3\r\n4,5');
    binding().emitData(',6\r\noops\r\n7,8,9\r\n');
    expect(await take(c, 3)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(c.decoder.counts).toMatchObject({ good: 3, bad: 1, header: 1 });
    await c.close();
    expect(states).toEqual(['connected', 'closed']);
    expect(binding().isOpen).toBe(false);
  });

  it('names the port and the reason when it cannot be opened', async () => {
    mock.createPort('/dev/ttyACM0');
    const missing = connect('/dev/ttyUSB7', new LineDecoder({ values: 1 }));
    const err = await missing.c.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerialOpenError);
    expect((err as Error).message).toBe('serial port /dev/ttyUSB7 not found. Ports found: /dev/ttyACM0. Set "port" to one of them.');

    const first = connect('/dev/ttyACM0', new LineDecoder({ values: 1 }));
    await first.c.open();
    const second = connect('/dev/ttyACM0', new LineDecoder({ values: 1 }));
    const busy = await second.c.open().catch((e: unknown) => e);
    expect((busy as Error).message).toMatch(/^serial port \/dev\/ttyACM0 is busy: another program has it open/);
  });

  it('accepts the last frame of a burst when the line goes quiet', async () => {
    mock.createPort('/dev/SCOPE');
    const layout = [{ name: 'ch', dtype: 'int16' as const, samples: 3 }];
    const sync = parseSyncWord('A55A');
    const frame = (v: number[]) => Buffer.concat([Buffer.from(sync), Buffer.from(encodePayload(layout, 'little', v))]);
    const dec = new FrameDecoder({ sync, layout, byteOrder: 'little' });
    const { c, binding } = connect<Uint8Array>('/dev/SCOPE', dec, { quietMs: 20 });
    await c.open();
    binding().emitData(Buffer.concat([frame([1, 2, 3]), Buffer.from('junk'), frame([4, 5, 6]), frame([7, 8, 9])]));
    const got = await take(c, 2);
    const vals = got.map((p) => [...new Int16Array(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength))]);
    // Frame 1 is followed by junk, not by a sync word: it cannot be trusted.
    expect(vals).toEqual([[4, 5, 6], [7, 8, 9]]);
    expect(dec.counts).toMatchObject({ good: 2, bad: 1 });
  });

  it('shows an unplugged device as disconnected, retries with backoff and resumes', async () => {
    mock.createPort('/dev/ARDUINO');
    const plug = new Unpluggable();
    const states: PortState[] = [];
    const logs: string[] = [];
    const c = new SerialConnection<number[]>({
      settings: settings('/dev/ARDUINO'),
      decoder: new LineDecoder({ values: 2 }),
      provider: { create: (s) => new SerialPortStream({ ...s, binding: plug, autoOpen: false }) as unknown as SerialPortLike },
      retryMs: { first: 10, max: 40 },
      onState: (s) => states.push(s),
      log: (_l, m) => logs.push(m),
    });
    open.push(c as SerialConnection<unknown>);
    await c.open();
    plug.current!.emitData('1,1\n2,2\n3,');
    expect(await take(c, 2)).toEqual([[1, 1], [2, 2]]);

    plug.unplug();
    await waitFor(() => c.state === 'disconnected', 'the disconnect');
    // While unplugged, reopening fails and says why; the run is not ended.
    await waitFor(() => c.lastOpenError !== '', 'a failed reopen');
    expect(c.lastOpenError).toMatch(/^serial port \/dev\/ARDUINO not found/);
    const pending = c.next();
    plug.plugIn();
    await waitFor(() => c.state === 'connected', 'the reconnect');
    plug.current!.emitData('label,x\n4,4\n5,5\n');
    expect(await pending).toEqual([4, 4]);
    expect(await take(c, 1)).toEqual([[5, 5]]);
    expect(c.reconnects).toBe(1);
    expect(c.disconnects).toBe(1);
    // The line cut off by the unplug is counted; the header after reconnecting is skipped.
    expect(c.decoder.counts).toMatchObject({ good: 4, bad: 1, header: 1 });
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    expect(logs.some((m) => m.includes('/dev/ARDUINO disconnected'))).toBe(true);
    const port = plug.current!;
    await c.close();
    expect(port.isOpen).toBe(false);
  });

  it('close() while reconnecting stops the retries; a waiting next() resolves null', async () => {
    mock.createPort('/dev/GONE');
    const plug = new Unpluggable();
    const c = new SerialConnection<number[]>({
      settings: settings('/dev/GONE'),
      decoder: new LineDecoder({ values: 1 }),
      provider: { create: (s) => new SerialPortStream({ ...s, binding: plug, autoOpen: false }) as unknown as SerialPortLike },
      retryMs: { first: 5, max: 10 },
    });
    await c.open();
    const waiting = c.next();
    plug.unplug();
    await waitFor(() => c.lastOpenError !== '', 'a failed reopen');
    await c.close();
    expect(await waiting).toBeNull();
    const opens = plug.opens;
    plug.plugIn();
    await new Promise((r) => setTimeout(r, 60));
    expect(plug.opens).toBe(opens);
    expect(c.state).toBe('closed');
  });

  it('an aborted signal ends a waiting next() with null, and the port still closes', async () => {
    mock.createPort('/dev/QUIET');
    const { c, binding } = connect<number[]>('/dev/QUIET', new LineDecoder({ values: 1 }));
    await c.open();
    const ac = new AbortController();
    const waiting = c.next(ac.signal);
    ac.abort();
    expect(await waiting).toBeNull();
    expect(c.next(ac.signal)).toBeNull();
    await c.close();
    expect(binding().isOpen).toBe(false);
  });

  it('counts records dropped when the queue is full', async () => {
    mock.createPort('/dev/FAST');
    const { c, binding } = connect<number[]>('/dev/FAST', new LineDecoder({ values: 1 }), { maxQueue: 3 });
    await c.open();
    binding().emitData('1\n2\n3\n4\n5\n');
    await waitFor(() => c.decoder.counts.good === 5, 'five lines');
    expect(c.dropped).toBe(2);
    expect(await take(c, 3)).toEqual([[3], [4], [5]]);
  });
});
