import { describe, expect, it } from 'vitest';
import { SNAPSHOT_WINDOW, type HostEvent } from '../../src-shared/bridge/protocol';
import { FakeEngine } from '../../test/support/fake-engine';
import { describeFunctionError } from '../../src-shared/bridge/describe';
import { Session } from './session';
import { toSnapshot } from './snapshots';

class TestClient {
  events: HostEvent[] = [];
  congestedNow = false;
  send(ev: HostEvent) {
    this.events.push(ev);
  }
  congested() {
    return this.congestedNow;
  }
  of<T extends HostEvent['type']>(type: T): Extract<HostEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type);
  }
  last<T extends HostEvent['type']>(type: T): Extract<HostEvent, { type: T }> | undefined {
    return this.of(type).at(-1);
  }
}

function setup(opts: { outputDirectory?: string; admit?: () => { severity: 'error'; message: string }[]; maxHz?: number } = {}) {
  const engines: FakeEngine[] = [];
  let clock = 0;
  const host = new Session({
    version: '9.9.9',
    host: 'serve',
    cwd: '/srv',
    maxHz: opts.maxHz ?? 30,
    outputDirectory: opts.outputDirectory,
    admit: opts.admit,
    now: () => clock,
    load: async (path) => {
      const r = await FakeEngine.load(path, { samples: 16 });
      if (r.engine) engines.push(r.engine);
      return r;
    },
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { host, engines, advance };
}

describe('Session', () => {
  it('greets a client, then tells every client about an opened setup', async () => {
    const { host } = setup();
    const a = new TestClient();
    host.attach(a);
    const hello = a.last('hello')!;
    expect(hello).toMatchObject({ protocol: 1, server: { name: 'ringscope', version: '9.9.9', host: 'serve' }, control: 'all', setup: null });
    const b = new TestClient();
    host.attach(b);
    await host.open('examples/muon/setup.yaml');
    for (const c of [a, b]) {
      const s = c.last('setup')!.setup;
      expect(s.path).toBe('examples/muon/setup.yaml');
      expect(s.runnable).toBe(true);
      expect(s.buffers.map((x) => x.name)).toEqual(['RB_1', 'RB_2', 'RB_3']);
      expect(c.last('status')!.status.state).toBe('idle');
    }
    // A late client gets everything in its hello.
    const late = new TestClient();
    host.attach(late);
    expect(late.last('hello')!.setup!.buffers).toHaveLength(3);
    expect(late.last('hello')!.status!.state).toBe('idle');
  });

  it('shows a bad setup with its problems, and refuses Start', async () => {
    const { host } = setup();
    const c = new TestClient();
    const att = host.attach(c);
    await host.open('/elsewhere/bad.yaml');
    const s = c.last('setup')!.setup;
    expect(s.runnable).toBe(false);
    expect(s.path).toBe('/elsewhere/bad.yaml');
    expect(s.problems[0]).toMatchObject({ severity: 'error', line: 12 });
    await att.handle({ type: 'start', req: 1 });
    expect(c.last('ack')).toEqual({ type: 'ack', req: 1, ok: false, message: 'This setup has errors; fix them and open it again.' });
  });

  it('refuses a setup that the admission check rejects, without loading it', async () => {
    const { host, engines } = setup({ admit: () => [{ severity: 'error', message: 'module outside' }] });
    const c = new TestClient();
    host.attach(c);
    await host.open('x.yaml');
    expect(engines).toHaveLength(0);
    expect(c.last('setup')!.setup).toMatchObject({ runnable: false, problems: [{ message: 'module outside' }] });
  });

  it('runs start, pause, resume and stop for any client, with acks and one run_ended for all', async () => {
    const { host, engines } = setup({ outputDirectory: '/tmp/out' });
    const a = new TestClient();
    const b = new TestClient();
    const ha = host.attach(a);
    const hb = host.attach(b);
    await host.open('s.yaml');
    const e = engines[0];
    const seq0 = a.last('status')!.seq;
    await ha.handle({ type: 'start', req: 1, runevents: 0, runtime: 30 });
    expect(a.last('ack')).toEqual({ type: 'ack', req: 1, ok: true });
    expect(e.state).toBe('running');
    e.tick(24);
    e.emitStatus();
    expect(b.last('status')!.status.source_events).toBe(24);
    expect(b.last('status')!.seq).toBeGreaterThan(seq0);
    await hb.handle({ type: 'pause', req: 2 });
    expect(e.state).toBe('paused');
    await hb.handle({ type: 'start', req: 3 });
    expect(b.last('ack')).toMatchObject({ req: 3, ok: false, message: 'A run is already in progress.' });
    await ha.handle({ type: 'resume' });
    await hb.handle({ type: 'stop', req: 4 });
    expect(e.calls).toEqual(['start', 'pause', 'resume', 'stop']);
    for (const c of [a, b]) {
      expect(c.of('run_ended')).toHaveLength(1);
      expect(c.last('run_ended')!.summary.buffers.RB_1.written).toBe(24);
      expect(c.last('status')!.status.state).toBe('ended');
    }
    await hb.handle({ type: 'pause', req: 5 });
    expect(b.last('ack')).toMatchObject({ req: 5, ok: false, message: 'Cannot pause: no run is in progress.' });
    // status seq only rises
    const seqs = a.of('status').map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('aborts a stop that waits (a function that does not stop) when a client sends abort', async () => {
    const host = new Session({ version: '1', host: 'serve', load: (p) => FakeEngine.load(p, { stuckStop: true }) });
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start' });
    const stopping = h.handle({ type: 'stop', req: 1 });
    while (host.runState !== 'stopping') await new Promise((r) => setImmediate(r));
    await h.handle({ type: 'abort', req: 2 });
    expect(c.of('ack').find((a) => a.req === 2)).toMatchObject({ ok: true });
    await stopping;
    expect(c.of('run_ended')).toHaveLength(1);
    expect(c.last('run_ended')!.summary.end_reason).toBe('abort');
  });

  it('passes the output directory and run limits to the engine', async () => {
    const { host, engines } = setup({ outputDirectory: '/tmp/out' });
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start', runevents: 12 });
    const e = engines[0];
    e.tick(12);
    expect(e.state).toBe('ended');
    expect(c.last('run_ended')!.summary).toMatchObject({ end_reason: 'runevents', runevents: 12 });
    expect(host.runState).toBe('ended');
  });

  it('refuses to open another setup while a run is active', async () => {
    const { host } = setup();
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start' });
    await h.handle({ type: 'open', req: 9, path: 'other.yaml' });
    expect(c.last('ack')).toMatchObject({ req: 9, ok: false, message: 'Stop the run before opening another setup.' });
    await h.handle({ type: 'stop' });
    await h.handle({ type: 'open', req: 10, path: 'other.yaml' });
    expect(c.last('ack')).toMatchObject({ req: 10, ok: true });
    expect(c.last('setup')!.setup.path).toBe('other.yaml');
  });

  it('reports a failing start and command errors without a req as error events', async () => {
    const host = new Session({ version: '1', host: 'serve', load: (p) => FakeEngine.load(p, { failStart: 'output folder not writable: /ro' }) });
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start' });
    expect(c.last('error')!.message).toBe('output folder not writable: /ro');
    await h.handle({ type: 'set_param', req: 2, function: 'Fkt_9', name: 'dt', value: 1 });
    expect(c.last('ack')).toMatchObject({ ok: false, message: 'There is no function "Fkt_9".' });
  });

  it('forwards parameter changes, logs and function errors in plain words', async () => {
    const { host, engines } = setup();
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start' });
    await h.handle({ type: 'set_param', req: 1, function: 'Fkt_1', name: 'sleeptime', value: 0.5 });
    expect(engines[0].params).toEqual([{ fn: 'Fkt_1', name: 'sleeptime', value: 0.5 }]);
    engines[0].log('hello log');
    expect(c.last('log')!.line.message).toBe('hello log');
    engines[0].tick(5);
    engines[0].failFunction('peak list is empty');
    const err = c.last('error')!;
    expect(err.function).toMatchObject({ function: 'Fkt_2', instance: 1 });
    expect(err.message).toBe('Fkt_2 (lifetime, thread 2) failed at event 5: peak list is empty. The event was skipped; the run goes on.');
  });

  it('sends snapshots only to subscribers, only while running, at most a window ahead of their acks', async () => {
    const { host, engines, advance } = setup({ maxHz: 30 });
    const a = new TestClient();
    const b = new TestClient();
    const ha = host.attach(a);
    host.attach(b);
    await host.open('s.yaml');
    const e = engines[0];
    await ha.handle({ type: 'subscribe', req: 1, buffer: 'RB_2', hz: 30 });
    expect(a.last('ack')!.ok).toBe(true);
    expect(e.observerCount).toBe(0); // nothing to observe before a run
    await ha.handle({ type: 'start' });
    expect(e.observerCount).toBe(1);
    e.tick(1);
    e.deliverSnapshots();
    const snap = a.last('snapshot')!.snapshot;
    expect(snap.buffer).toBe('RB_2');
    expect(snap.fields.map((f) => [f.name, f.dtype, f.data.length])).toEqual([
      ['chA', 'float32', 16],
      ['chB', 'float32', 16],
      ['chC', 'float32', 16],
      ['chD', 'float32', 16],
    ]);
    expect(b.of('snapshot')).toHaveLength(0);

    // Faster than 30 Hz: dropped; a tick a little early (timer jitter) is not.
    advance(10);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(1);
    advance(15);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(2);
    advance(34);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(3);
    // Window of SNAPSHOT_WINDOW (3) full: dropped until the client acknowledges.
    expect(SNAPSHOT_WINDOW).toBe(3);
    advance(40);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(3);
    await ha.handle({ type: 'snapshot_ack', count: 1 });
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(4);
    // A congested transport gets nothing, newest wins afterwards.
    await ha.handle({ type: 'snapshot_ack', count: 5 });
    a.congestedNow = true;
    advance(40);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(4);
    a.congestedNow = false;
    e.tick(12);
    e.deliverSnapshots();
    expect(a.of('snapshot')).toHaveLength(5);
    expect(a.last('snapshot')!.snapshot.seq).toBe(13);

    // Run end stops the observation; so does unsubscribing.
    await ha.handle({ type: 'stop' });
    expect(e.observerCount).toBe(0);
    await ha.handle({ type: 'start' });
    expect(e.observerCount).toBe(1);
    await ha.handle({ type: 'subscribe', buffer: null });
    expect(e.observerCount).toBe(0);
  });

  it('observes a buffer once for several clients and drops it when they leave', async () => {
    const { host, engines } = setup();
    const a = new TestClient();
    const b = new TestClient();
    const ha = host.attach(a);
    const hb = host.attach(b);
    await host.open('s.yaml');
    await ha.handle({ type: 'subscribe', buffer: 'RB_2' });
    await hb.handle({ type: 'subscribe', buffer: 'RB_2' });
    await ha.handle({ type: 'start' });
    const e = engines[0];
    expect(e.observerCount).toBe(1);
    e.tick(1);
    e.deliverSnapshots();
    // One event object for both: the transport encodes it once.
    expect(a.last('snapshot')).toBe(b.last('snapshot'));
    ha.detach();
    expect(e.observerCount).toBe(1);
    hb.detach();
    expect(e.observerCount).toBe(0);
  });

  it('rejects a subscription to an unknown buffer', async () => {
    const { host } = setup();
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'subscribe', req: 3, buffer: 'RB_7' });
    expect(c.last('ack')).toMatchObject({ ok: false, message: 'There is no buffer "RB_7" in this setup.' });
  });

  it('stops the run and closes the engine on close', async () => {
    const { host, engines } = setup();
    const c = new TestClient();
    const h = host.attach(c);
    await host.open('s.yaml');
    await h.handle({ type: 'start' });
    await host.close();
    expect(engines[0].calls).toEqual(['start', 'stop', 'close']);
    expect(c.of('run_ended')).toHaveLength(1);
    await h.handle({ type: 'open', req: 1, path: 's.yaml' });
    expect(c.last('ack')).toMatchObject({ ok: false, message: 'The server is shutting down.' });
  });
});

describe('toSnapshot', () => {
  it('orders fields as the layout declares and converts plain arrays by dtype', () => {
    const s = toSnapshot(
      { buffer: 'B', seq: 1, counter: 2, timestamp: 3, deadtime: 0, fields: { y: [1, 2], x: Float32Array.of(1), n: [5n] } },
      { name: 'B', slots: 1, samples: 2, fields: [{ name: 'x', dtype: 'f4' }, { name: 'y', dtype: 'int16' }, { name: 'n', dtype: 'i8' }], groups: [], observed: true },
    );
    expect(s.fields.map((f) => [f.name, f.dtype])).toEqual([
      ['x', 'float32'],
      ['y', 'int16'],
      ['n', 'int64'],
    ]);
    expect(s.fields[1].data).toEqual(Int16Array.of(1, 2));
  });

  it('describes a function that stopped the run', () => {
    expect(describeFunctionError({ function: 'Fkt_3', fkt_name: 'csv', instance: 0, counter: null, message: 'disk full', policy: 'stop' })).toBe(
      'Fkt_3 (csv, thread 1) failed: disk full. The run was stopped.',
    );
  });
});
