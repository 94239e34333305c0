// The Electron bridge with a real MessageChannel (the DOM-compatible one Node
// provides); the test plays main (ports, engine status) and the engine host.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCommand, encodeEvent } from '../../../src-shared/bridge/codec';
import type { Command, HostEvent } from '../../../src-shared/bridge/protocol';
import { ENGINE_PORT_MESSAGE, type EngineStatus } from '../../../src-shared/desktop/api';
import { createBridge, desktopApi } from './index';
import { enginePortOf, MessagePortBridge } from './MessagePortBridge';

const opened: MessagePort[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});

/** Main and the engine host, as the page sees them. */
function harness() {
  const statusListeners = new Set<(s: EngineStatus) => void>();
  let portListener: ((p: MessagePort) => void) | null = null;
  let connects = 0;
  const desktop = {
    connectEngine: () => void (connects += 1),
    onEngineStatus: (l: (s: EngineStatus) => void) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
  };
  const bridge = new MessagePortBridge(desktop, (onPort) => {
    portListener = onPort;
    return () => (portListener = null);
  });
  /** Hands the page a new port; returns the engine host's end, which records commands. */
  const handPort = () => {
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    const received: Command[] = [];
    const waiters: ((c: Command) => void)[] = [];
    port1.onmessage = (m) => {
      const cmd = decodeCommand(m.data as string);
      received.push(cmd);
      waiters.shift()?.(cmd);
    };
    portListener!(port2);
    return {
      received,
      send: (ev: HostEvent) => port1.postMessage(encodeEvent(ev)),
      next: () => new Promise<Command>((ok) => waiters.push(ok)),
      close: () => port1.close(),
    };
  };
  const status = (s: EngineStatus) => statusListeners.forEach((l) => l(s));
  return { bridge, handPort, status, connects: () => connects };
}

const events = (bridge: MessagePortBridge) => {
  const seen: HostEvent[] = [];
  const waiters: [HostEvent['type'], (e: HostEvent) => void][] = [];
  bridge.onEvent((e) => {
    seen.push(e);
    const i = waiters.findIndex(([t]) => t === e.type);
    if (i >= 0) waiters.splice(i, 1)[0][1](e);
  });
  return { seen, next: (type: HostEvent['type']) => new Promise<HostEvent>((ok) => waiters.push([type, ok])) };
};

describe('MessagePortBridge', () => {
  it('asks main for a port, opens when it arrives, and speaks the bridge codec both ways', async () => {
    const h = harness();
    expect(h.connects()).toBe(1);
    expect(h.bridge.connection).toBe('connecting');
    expect(h.bridge.kind).toBe('messageport');
    const host = h.handPort();
    expect(h.bridge.connection).toBe('open');
    const ev = events(h.bridge);

    const request = h.bridge.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    const cmd = await host.next();
    expect(cmd).toEqual({ type: 'open', path: 'examples/muon/setup.yaml', req: 1 });
    host.send({ type: 'ack', req: 1, ok: true });
    await expect(request).resolves.toBeUndefined();

    const snap = ev.next('snapshot');
    host.send({
      type: 'snapshot',
      snapshot: { buffer: 'RB_1', seq: 7, counter: 6, timestamp: 1, deadtime: 0, fields: [{ name: 'chA', dtype: 'float32', data: new Float32Array([1, 2, 3]) }] },
    });
    const s = (await snap) as Extract<HostEvent, { type: 'snapshot' }>;
    expect(Array.from(s.snapshot.fields[0].data as Float32Array)).toEqual([1, 2, 3]);
    h.bridge.send({ type: 'snapshot_ack', count: 1 });
    expect(await host.next()).toEqual({ type: 'snapshot_ack', count: 1 });
    h.bridge.close();
  });

  it('closes with main’s reason when the engine exits, and reopens on the port after a restart', async () => {
    const h = harness();
    const host = h.handPort();
    const changes: [string, string | undefined][] = [];
    h.bridge.onConnection((state, detail) => changes.push([state, detail]));
    const pending = h.bridge.request({ type: 'stop' });
    await host.next();
    h.status({ state: 'exited', host: 'utility', code: 9, reason: 'The engine process ended unexpectedly (exit code 9). Data already written to disk is kept.' });
    await expect(pending).rejects.toThrow('The connection to RingScope was lost.');
    expect(h.bridge.connection).toBe('closed');
    expect(changes.at(-1)).toEqual(['closed', 'The engine process ended unexpectedly (exit code 9). Data already written to disk is kept.']);
    await expect(h.bridge.request({ type: 'start' })).rejects.toThrow('Not connected');

    h.status({ state: 'starting', host: 'utility' });
    expect(h.bridge.connection).toBe('connecting');
    const again = h.handPort();
    expect(h.bridge.connection).toBe('open');
    const p = h.bridge.request({ type: 'start' });
    expect(await again.next()).toEqual({ type: 'start', req: 2 });
    again.send({ type: 'ack', req: 2, ok: false, message: 'No setup is loaded.' });
    await expect(p).rejects.toThrow('No setup is loaded.');
    h.bridge.close();
  });

  it('notices the engine end of the port closing', async () => {
    const h = harness();
    const host = h.handPort();
    const closed = new Promise<string | undefined>((ok) => h.bridge.onConnection((s, d) => s === 'closed' && ok(d)));
    host.close();
    expect(await closed).toBe('The connection to the engine closed.');
  });
});

describe('choosing the bridge', () => {
  it('accepts the engine port only from the page’s own window with the agreed message', () => {
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    const win = {};
    expect(enginePortOf({ source: win as MessageEventSource, data: ENGINE_PORT_MESSAGE, ports: [port1] }, win)).toBe(port1);
    expect(enginePortOf({ source: {} as MessageEventSource, data: ENGINE_PORT_MESSAGE, ports: [port1] }, win)).toBeNull();
    expect(enginePortOf({ source: win as MessageEventSource, data: 'something else', ports: [port1] }, win)).toBeNull();
    expect(enginePortOf({ source: win as MessageEventSource, data: ENGINE_PORT_MESSAGE, ports: [] }, win)).toBeNull();
  });

  it('uses the MessagePort bridge where the preload exposed the desktop API, else the WebSocket', () => {
    let connected = 0;
    const listeners: string[] = [];
    const fakeWindow = {
      ringscope: { host: 'electron', connectEngine: () => (connected += 1), onEngineStatus: () => () => undefined },
      addEventListener: (type: string) => listeners.push(type),
      removeEventListener: () => undefined,
      location: { protocol: 'ringscope:', host: 'app', search: '' },
    } as unknown as Window;
    expect(desktopApi(fakeWindow)).not.toBeNull();
    const b = createBridge(fakeWindow);
    expect(b.kind).toBe('messageport');
    expect(connected).toBe(1);
    expect(listeners).toEqual(['message']);
    b.close();
    expect(desktopApi({} as Window)).toBeNull();
    expect(desktopApi({ ringscope: { host: 'browser' } } as unknown as Window)).toBeNull();
  });
});
