// The bridge over a message port, with the fake engine: greeting, commands and
// acknowledgements, refusals of malformed messages, detaching on close.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../../src-shared/bridge/protocol';
import { EngineClient } from '../engine-client';
import { nextEvent } from '../../../../test/support/engine-host';
import { FakeEngine } from '../../../../test/support/fake-engine';
import { Session } from '../../../session/session';
import { attachPort } from './port-host';
import { nodePort } from './ports';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

function setup() {
  const engines: FakeEngine[] = [];
  const host = new Session({
    version: '1.2.3',
    host: 'electron',
    cwd: '/srv',
    load: async (path) => {
      const r = await FakeEngine.load(path, { samples: 8 });
      if (r.engine) engines.push(r.engine);
      return r;
    },
  });
  const connect = () => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const detach = attachPort(host, nodePort(port1));
    return { client: new EngineClient(nodePort(port2)), raw: port2, detach };
  };
  return { host, engines, connect };
}

describe('attachPort', () => {
  it('greets the client, answers requests and broadcasts to every port', async () => {
    const { connect } = setup();
    const a = connect();
    const b = connect();
    const hello = await nextEvent(a.client, 'hello');
    expect(hello.server).toEqual({ name: 'ringscope', version: '1.2.3', host: 'electron' });
    await b.client.ready();
    const seen = nextEvent(b.client, 'setup');
    await a.client.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    expect(a.client.setup?.path).toBe('examples/muon/setup.yaml');
    expect((await seen).setup.runnable).toBe(true);
    await expect(a.client.request({ type: 'pause' })).rejects.toThrow('Cannot pause: no run is in progress.');
  });

  it('refuses non-text and malformed commands with an error event', async () => {
    const { connect } = setup();
    const { client, raw } = connect();
    await client.ready();
    const errors: HostEvent[] = [];
    client.onEvent((ev) => ev.type === 'error' && errors.push(ev));
    let err = nextEvent(client, 'error');
    raw.postMessage(new Uint8Array([1, 2, 3]));
    expect((await err).message).toBe('Commands are JSON text; other messages are not accepted.');
    err = nextEvent(client, 'error');
    raw.postMessage('{"type":"launch"}');
    expect((await err).message).toBe('Bad command: unknown command "launch"');
    err = nextEvent(client, 'error');
    raw.postMessage('{"type":"open"}');
    expect((await err).message).toBe('Bad command: "path" must be a string');
    expect(errors).toHaveLength(3);
  });

  it('detaches a client whose port closes; the others carry on', async () => {
    const { connect, host } = setup();
    const a = connect();
    const b = connect();
    await Promise.all([a.client.ready(), b.client.ready()]);
    const closed = new Promise<void>((ok) => a.client.onClose(ok));
    a.raw.close();
    await closed;
    await b.client.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    expect(host.setupInfo?.runnable).toBe(true);
    // A late client is greeted with the setup already loaded.
    const c = connect();
    await c.client.ready();
    expect(c.client.setup?.path).toBe('examples/muon/setup.yaml');
  });

  it('sends snapshots as binary frames within the acknowledgement window', async () => {
    const { connect, engines } = setup();
    const { client } = connect();
    await client.ready();
    await client.request({ type: 'open', path: 'examples/muon/setup.yaml' });
    await client.request({ type: 'subscribe', buffer: 'RB_1' });
    await client.request({ type: 'start' });
    const engine = engines[0];
    engine.tick(3);
    const snap = nextEvent(client, 'snapshot');
    engine.deliverSnapshots();
    const s = (await snap).snapshot;
    expect(s.buffer).toBe('RB_1');
    expect(s.fields.map((f) => f.name)).toEqual(['chA', 'chB', 'chC', 'chD']);
    expect(s.fields[0].data).toBeInstanceOf(Float32Array);
    expect(s.fields[0].data).toHaveLength(8);
  });
});
