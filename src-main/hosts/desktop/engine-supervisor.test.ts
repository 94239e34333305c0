// The supervisor when the engine's process hits a fatal error of its own
// (Electron's utilityProcess 'error' event, e.g. a fatal V8 error): the error is
// the reason the window shows for the exit that follows, and a restart works.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../src-shared/desktop/api';
import { inProcessHost } from './engine-host/in-process';
import { nodePort } from './engine-host/ports';
import { EngineSupervisor, type EngineEnvironment } from './engine-supervisor';

const root = join(import.meta.dirname, '..', '..', '..');

describe('EngineSupervisor and a fatal error of the engine process', () => {
  it('records it as the exit reason and restarts', async () => {
    const raise: Array<(reason: string) => void> = [];
    const env: EngineEnvironment<MessagePort> = {
      mode: 'utility',
      launch() {
        const proc = inProcessHost<MessagePort>(nodePort, { cwd: root });
        return { ...proc, onError: (l) => void raise.push(l) };
      },
      channel() {
        const c = new MessageChannel();
        return [c.port1, c.port2];
      },
      wrap: nodePort,
    };
    const sup = new EngineSupervisor(env, { version: 'test', cwd: root, output: { directory: null, readOnlyRoots: [], fallback: null } });
    await sup.start();
    expect(raise).toHaveLength(1);
    const exited = new Promise<EngineStatus>((ok) => sup.onStatus((s) => s.state === 'exited' && ok(s)));
    raise[0]('FatalError in the engine process at node:internal/worker:123');
    sup.kill(); // the process ends after its fatal error, as Electron's 'exit' follows 'error'
    const status = await exited;
    expect(status.state === 'exited' && status.reason).toBe(
      'The engine stopped after an error: FatalError in the engine process at node:internal/worker:123. Data already written to disk is kept.',
    );
    await sup.restart();
    expect(sup.state).toBe('running');
    expect(raise).toHaveLength(2);
    await sup.shutdown();
    expect(sup.state).toBe('stopped');
  });
});
