// The bridge host with the real engine: histogram and strip commands, updates
// to the asking client under its own id, runs started with histogram readers,
// refusals in plain words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src-shared/bridge/protocol';
import { Session } from './session';
import { engineLoader } from './engine-loader';

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'ringscope-host-analysis-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

class Client {
  events: HostEvent[] = [];
  private waiters: { pred: (e: HostEvent) => boolean; ok: (e: HostEvent) => void }[] = [];
  send(ev: HostEvent) {
    this.events.push(ev);
    this.waiters = this.waiters.filter((w) => (w.pred(ev) ? (w.ok(ev), false) : true));
  }
  congested() {
    return false;
  }
  of<T extends HostEvent['type']>(type: T): Extract<HostEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type);
  }
  wait(pred: (e: HostEvent) => boolean): Promise<HostEvent> {
    const seen = this.events.find(pred);
    return seen ? Promise.resolve(seen) : new Promise((ok) => this.waiters.push({ pred, ok }));
  }
}

describe('bridge host: histograms and strip charts', () => {
  it('sends every event counted, to the asking client, and answers late pages after the run', async () => {
    const host = new Session({ version: 't', host: 'serve', cwd: root, outputDirectory: out, load: engineLoader });
    await host.open('examples/counting/setup.yaml');
    const a = new Client();
    const att = host.attach(a);
    const b = new Client();
    host.attach(b);
    await att.handle({ type: 'histogram', req: 1, id: 'mine', spec: { buffer: 'RB_2', field: 'value', bins: 10, range: [0, 1000] } });
    await att.handle({ type: 'strip', req: 2, buffer: 'RB_1' });
    expect(a.of('ack').map((x) => x.ok)).toEqual([true, true]);
    expect(a.of('histogram')[0]!.histogram).toMatchObject({ id: 'mine', events: 0 });
    expect(a.of('strip')[0]!.strip).toMatchObject({ buffer: 'RB_1', reset: true, fields: ['value'] });

    await att.handle({ type: 'start', req: 3, runevents: 1000 });
    const ended = (await a.wait((e) => e.type === 'run_ended')) as Extract<HostEvent, { type: 'run_ended' }>;
    const last = a.of('histogram').at(-1)!.histogram;
    expect(last).toMatchObject({ id: 'mine', final: true, complete: true, events: ended.summary.buffers.RB_2.written });
    expect(last.counts).toEqual(new Array(10).fill(100));
    expect(ended.summary.buffers.RB_1.released).toEqual({ Fkt_2: 1000, histogram: 1000 });
    expect(a.of('strip').at(-1)!.strip).toMatchObject({ final: true, events: 1000 });
    // The other page asked for nothing and got nothing.
    expect(b.of('histogram')).toEqual([]);
    expect(b.of('strip')).toEqual([]);

    // A request that makes no sense is refused with the reason.
    await att.handle({ type: 'histogram', req: 4, id: 'bad', spec: { buffer: 'RB_2', field: 'nope', bins: 10, range: [0, 1] } });
    expect(a.of('ack').at(-1)).toMatchObject({ req: 4, ok: false, message: expect.stringMatching(/RB_2 has no field "nope"/) });
    await att.handle({ type: 'strip', req: 5, buffer: 'RB_7' });
    expect(a.of('ack').at(-1)).toMatchObject({ req: 5, ok: false, message: expect.stringMatching(/RB_7 does not exist/) });

    // Re-binning after the end, and removal.
    await att.handle({ type: 'histogram', req: 6, id: 'mine', spec: { buffer: 'RB_2', field: 'value', bins: 2, range: [0, 1000] } });
    expect(a.of('histogram').at(-1)!.histogram).toMatchObject({ id: 'mine', final: true, counts: [500, 500] });
    await att.handle({ type: 'histogram', req: 7, id: 'mine', spec: null });
    expect(a.of('ack').at(-1)).toMatchObject({ req: 7, ok: true });
    await host.close();
  });
});
