// Browser mode's roots, end to end: `ringscope serve --root R` (the built CLI)
// and a plain WebSocket client with the printed token try every command and
// setup key that takes a path — open, save_setup, config_file, a replay's file,
// a sink's filename, output_directory, a user module — with "..", absolute
// paths and symlinks out of R. Each is refused in words, nothing is written
// outside R, and no message ever quotes a file outside R. Then a FIFO and a
// device as setups (refused at once, the server keeps serving) and the signals
// that stop it. `ringscope run` refuses a sink filename with folders as well.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeEvent, encodeCommand } from '../src-shared/bridge/codec';
import type { Command, HostEvent, SetupInfo } from '../src-shared/bridge/protocol';
import { ROOT, spawnServe, stopServers, type Served } from '../test/support/browser';

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-roots-'));
const R = join(tmp, 'served');
const O = join(tmp, 'outside');
mkdirSync(R);
mkdirSync(O);
const SECRET = 'SECRET-MARKER-7f3a';
writeFileSync(join(O, 'secret.yaml'), `${SECRET}: 42\nkeep_every: 1\n`);
writeFileSync(join(O, 'setup.yaml'), `# ${SECRET}\nRingBuffer: []\n`);
writeFileSync(join(O, 'run.csv'), `counter,timestamp,deadtime,value\n0,1.0,0,${SECRET.length}\n`);
writeFileSync(join(O, 'mod.mjs'), `export function mod(io) { return io.sink(() => {}); }\n`);
symlinkSync(O, join(R, 'link'));
afterAll(async () => {
  await stopServers();
  rmSync(tmp, { recursive: true, force: true });
});

/** A setup in R: a sensors source and a CSV sink, with `extra` lines for Fkt_2 and `top` lines at the top. */
function setupText(opts: { sink?: string; source?: string; top?: string } = {}): string {
  return `${opts.top ?? ''}RingBuffer:
  - RB_1: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [cpu, float64]}}
Functions:
  - Fkt_main: {runtime: 0, runevents: 5}
  - Fkt_1: ${opts.source ?? '{file_name: "builtin:sources/sensors", RB_assign: {RB_1: write}, config: {fields: [cpu], dt: 0.01}}'}
  - Fkt_2: ${opts.sink ?? '{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}}'}
`;
}

/** A bridge client with the server's token. */
class Client {
  events: HostEvent[] = [];
  private req = 0;
  private waiters: { pred: (e: HostEvent) => boolean; ok: (e: HostEvent) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, binary: boolean) => {
      const ev = decodeEvent(binary ? data : data.toString());
      this.events.push(ev);
      this.waiters = this.waiters.filter((w) => (w.pred(ev) ? (w.ok(ev), false) : true));
    });
  }
  static connect(served: Served): Promise<Client> {
    const u = new URL(served.url);
    const ws = new WebSocket(`ws://${u.host}/ws${u.search}`);
    const c = new Client(ws);
    return new Promise((ok, fail) => {
      ws.once('error', fail);
      void c.next((e) => e.type === 'hello').then(() => ok(c));
    });
  }
  next(pred: (e: HostEvent) => boolean): Promise<HostEvent> {
    const seen = this.events.find(pred);
    return seen ? Promise.resolve(seen) : new Promise((ok) => this.waiters.push({ pred, ok }));
  }
  /** Sends a command with a req and resolves with its ack. */
  async request(cmd: Command): Promise<Extract<HostEvent, { type: 'ack' }>> {
    const req = ++this.req;
    this.ws.send(encodeCommand({ ...cmd, req } as Command));
    return (await this.next((e) => e.type === 'ack' && e.req === req)) as Extract<HostEvent, { type: 'ack' }>;
  }
  /** Opens a path (with text: that text as the file there) and resolves with the setup the host then shows. */
  async open(path: string, text?: string): Promise<SetupInfo> {
    const from = this.events.length;
    const ack = await this.request({ type: 'open', path, ...(text !== undefined ? { text } : {}) });
    expect(ack.ok, ack.message).toBe(true);
    const ev = this.events.slice(from).reverse().find((e) => e.type === 'setup') as Extract<HostEvent, { type: 'setup' }>;
    return ev.setup;
  }
  /** Everything the server said to this client, as text. */
  transcript(): string {
    return JSON.stringify(this.events);
  }
}

const errors = (s: SetupInfo) => s.problems.filter((p) => p.severity === 'error').map((p) => p.message);

describe('ringscope serve --root', () => {
  it('refuses every path out of its roots, writes nothing outside, and never quotes a file there', async () => {
    const served = await spawnServe(['--root', R, '--output', join(tmp, 'runs')]);
    const c = await Client.connect(served);

    // open: outside, through a symlink, by "..", a system file, a percent-encoded name.
    for (const path of [join(O, 'setup.yaml'), join(R, 'link', 'setup.yaml'), join(R, '..', 'outside', 'setup.yaml'), '/etc/passwd', join(R, '%2e%2e', 'outside', 'setup.yaml')]) {
      const s = await c.open(path);
      expect(s.runnable, path).toBe(false);
      expect(errors(s).join('\n'), path).toMatch(/only opens setups inside|does not exist/);
      expect(s.text, path).toBeUndefined();
    }

    // A setup inside R that reaches out: config_file, a replay's file, output_directory, a module, a sink's filename.
    const inside = join(R, 'lab.yaml');
    const cases: [string, string, RegExp][] = [
      ['config_file, absolute', setupText({ sink: `{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}, config_file: ${join(O, 'secret.yaml')}}` }), /reads the config file .* outside the folders this server may read/],
      ['config_file, through a symlink', setupText({ sink: '{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}, config_file: link/secret.yaml}' }), /reads the config file "link\/secret.yaml", which lies outside/],
      ['Fkt_main config_file', setupText().replace('Fkt_main: {runtime: 0, runevents: 5}', `Fkt_main: {runtime: 0, runevents: 5, config_file: ../outside/secret.yaml}`), /reads the config file "..\/outside\/secret.yaml"/],
      ['replay file, absolute', setupText({ source: `{file_name: "builtin:sources/replay", RB_assign: {RB_1: write}, config: {file: ${join(O, 'run.csv')}}}` }), /Fkt_1 reads ".*run.csv" \(file\), which lies outside/],
      ['replay file, through a symlink', setupText({ source: '{file_name: "builtin:sources/replay", RB_assign: {RB_1: write}, config: {file: link/run.csv}}' }), /Fkt_1 reads "link\/run.csv" \(file\), which lies outside/],
      ['a user module', setupText({ sink: `{file_name: ../outside/mod.mjs, fkt_name: mod, RB_assign: {RB_1: read}}` }), /loads the module "..\/outside\/mod.mjs" from outside/],
      ['a sink filename with folders', setupText({ sink: '{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}, config: {filename: ../../../outside/x}}' }), /must be a file name in the run directory, without folders/],
    ];
    for (const [what, text, message] of cases) {
      const s = await c.open(inside, text);
      expect(s.runnable, what).toBe(false);
      expect(errors(s).join('\n'), what).toMatch(message);
    }

    // output_directory outside (no --output on this server).
    const own = await spawnServe(['--root', R]);
    const c2 = await Client.connect(own);
    const out = await c2.open(inside, `output_directory: ${join(O, 'runs')}\n${setupText()}`);
    expect(errors(out).join('\n')).toMatch(/output_directory .* lies outside the folders this server may write/);
    const fine = await c2.open(inside, setupText());
    expect(errors(fine)).toEqual([]);
    expect(fine.runnable).toBe(true);
    c2.ws.close();
    expect(await own.stop()).toBe(0);

    // save_setup: outside, through the symlink, by "..": refused, nothing written.
    for (const path of [join(O, 'saved.yaml'), join(R, 'link', 'saved.yaml'), join(R, '..', 'outside', 'saved2.yaml')]) {
      const ack = await c.request({ type: 'save_setup', path, text: setupText() });
      expect(ack, path).toMatchObject({ ok: false, code: 'outside' });
    }
    expect(readdirSync(O).sort()).toEqual(['mod.mjs', 'run.csv', 'secret.yaml', 'setup.yaml']);
    const saved = await c.request({ type: 'save_setup', path: join(R, 'saved.yaml'), text: setupText() });
    expect(saved.ok, saved.message).toBe(true);

    // Nothing outside R was quoted to the page, whatever it tried.
    expect(c.transcript()).not.toContain(SECRET);
    expect(c.transcript()).not.toMatch(/root:x:0:0/);
    c.ws.close();
    expect(await served.stop()).toBe(0);
  });

  it('refuses a FIFO and a device as setups at once, keeps serving, and stops on SIGTERM', async () => {
    const fifo = join(R, 'pipe.yaml');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, String(made.stderr)).toBe(0);
    const served = await spawnServe(['--root', R, '--root', '/dev']);
    const c = await Client.connect(served);
    const s = await c.open(fifo);
    expect(errors(s).join('\n')).toContain('is a named pipe (FIFO), not a file');
    const zero = await c.open('/dev/zero');
    expect(errors(zero).join('\n')).toContain('is a device, not a file');
    // The host still answers, and a config file that is a FIFO is refused the same way.
    const text = setupText({ sink: '{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}, config_file: pipe.yaml}' });
    const cfg = await c.open(join(R, 'lab.yaml'), text);
    expect(errors(cfg).join('\n')).toMatch(/config file pipe.yaml .*is a named pipe \(FIFO\), not a file/);
    expect((await c.request({ type: 'list_setups' })).ok).toBe(true);
    served.child.kill('SIGTERM');
    expect(await served.stop()).toBe(0);
  });

  it('stops gracefully on SIGTERM during a run, and at once on a second signal', async () => {
    const served = await spawnServe([join(ROOT, 'examples', 'muon', 'setup.yaml'), '--output', join(tmp, 'runs-muon')]);
    const c = await Client.connect(served);
    expect((await c.request({ type: 'start', runevents: 0 })).ok).toBe(true);
    await c.next((e) => e.type === 'status' && e.status.buffers[0]!.written > 0);
    served.child.kill('SIGTERM');
    await c.next((e) => e.type === 'status' && e.status.state === 'stopping');
    // A second SIGTERM within a second of the first is taken as the same request (`timeout` sends two);
    // Ctrl-C is never doubled by the system, so it aborts at once.
    served.child.kill('SIGINT');
    expect(await served.stop()).toBe(3);
    expect(served.stderr).toContain('aborting the run');
  });
});

describe('ringscope run', () => {
  it('refuses a sink filename with folders before anything runs', () => {
    const setup = join(R, 'escape.yaml');
    writeFileSync(setup, setupText({ sink: '{file_name: "builtin:sinks/csv", RB_assign: {RB_1: read}, config: {filename: ../../outside/escaped}}' }));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'ringscope.mjs'), 'run', setup, '--output', join(tmp, 'runs-run')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr + r.stdout).toContain('must be a file name in the run directory, without folders');
    expect(existsSync(join(O, 'escaped.csv'))).toBe(false);
    expect(existsSync(join(tmp, 'outside', 'escaped.csv'))).toBe(false);
  });
});
