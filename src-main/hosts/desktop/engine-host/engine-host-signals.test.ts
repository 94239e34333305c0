// A signal to the desktop app's engine process (SIGTERM from a session ending, SIGHUP): the first
// stops the run gracefully and exits 0, a doubled delivery is one request, a second signal aborts.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineClient } from '../engine-client';
import { FakeEngine } from '../../../../test/support/fake-engine';
import type { HostToMain, MainToHost, ParentChannel } from './control';
import { runEngineHost } from './engine-host';
import { nodePort } from './ports';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

/** An engine host with the fake engine, a run going, and what it posts to main and its exit code. */
async function hostWithRun() {
  const posted: HostToMain[] = [];
  let listener: ((msg: MainToHost, ports: never[]) => void) | null = null;
  const channel: ParentChannel = { post: (m) => posted.push(m), onMessage: (l) => (listener = l as never) };
  const engines: FakeEngine[] = [];
  let exitCode: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (exitCode = r));
  const host = runEngineHost(channel, {
    exit: (code) => exitCode(code),
    load: async (path) => {
      const r = await FakeEngine.load(path, { samples: 8 });
      if (r.engine) engines.push(r.engine);
      return r;
    },
  });
  listener!({ type: 'init', version: '1.0.0', output: { directory: null, readOnlyRoots: [], fallback: null } }, []);
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  listener!({ type: 'connect', client: 'renderer' }, [nodePort(port1)] as never[]);
  const client = new EngineClient(nodePort(port2));
  await client.ready();
  await client.request({ type: 'open', path: 'examples/muon/setup.yaml' });
  await client.request({ type: 'start' });
  return { host, engine: engines[0]!, posted, exited };
}

describe('engine host signals', () => {
  it('SIGTERM stops the run gracefully (twice at once is one request) and exits 0, telling main why', async () => {
    const { host, engine, posted, exited } = await hostWithRun();
    host.signal('SIGTERM');
    host.signal('SIGTERM');
    expect(await exited).toBe(0);
    expect(engine.calls).toContain('stop');
    expect(engine.calls).not.toContain('abort');
    expect(posted.find((m) => m.type === 'fatal')).toMatchObject({ message: expect.stringContaining('SIGTERM') });
  });

  it('a second signal (Ctrl-C) aborts the run and exits 3', async () => {
    const { host, engine, exited } = await hostWithRun();
    host.signal('SIGHUP');
    host.signal('SIGINT');
    expect(await exited).toBe(3);
    expect(engine.calls).toContain('abort');
  });
});
