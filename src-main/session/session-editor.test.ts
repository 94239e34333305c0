// The bridge host's side of the setup editor: the text and config files it
// sends with a setup, unsaved text loaded for a run, the examples list, and
// save_setup's rules (real files in a temporary folder, fake engines).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src-shared/bridge/protocol';
import { FakeEngine } from '../../test/support/fake-engine';
import { Session } from './session';

const root = mkdtempSync(join(tmpdir(), 'ringscope-host-editor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SETUP = `# a comment that must survive
title: Tiny
RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: 1, data_type: float64}   # one value
Functions:
  - Fkt_main:
      config_file: config/common.yaml
  - Fkt_1:
      file_name: builtin:sources/sensors
      fkt_name: read_sensors
      RB_assign: {RB_1: write}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      RB_assign: {RB_1: read}
`;

function project(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'setup.yaml'), SETUP);
  writeFileSync(join(dir, 'config', 'common.yaml'), 'read_sensors:\n  dt: 0.5   # seconds\n');
  return dir;
}

class Client {
  events: HostEvent[] = [];
  send(ev: HostEvent) {
    this.events.push(ev);
  }
  congested() {
    return false;
  }
  last<T extends HostEvent['type']>(type: T): Extract<HostEvent, { type: T }> | undefined {
    return this.events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type).at(-1);
  }
  ack(req: number) {
    return this.events.find((e): e is Extract<HostEvent, { type: 'ack' }> => e.type === 'ack' && e.req === req);
  }
}

function makeHost(cwd: string, extra: Partial<ConstructorParameters<typeof Session>[0]> = {}) {
  const loads: { path: string; text?: string }[] = [];
  const engines: FakeEngine[] = [];
  const host = new Session({
    version: '0.0.0',
    host: 'serve',
    cwd,
    load: async (path, text) => {
      loads.push({ path, text });
      const r = await FakeEngine.load(path, { samples: 4 });
      if (r.engine) engines.push(r.engine);
      return r;
    },
    ...extra,
  });
  const c = new Client();
  const att = host.attach(c);
  return { host, c, att, loads, engines };
}

describe('Session for the setup editor', () => {
  it('sends the setup text and the content of the config files it names', async () => {
    const dir = project('open');
    const { host, c } = makeHost(dir);
    await host.open('setup.yaml');
    const s = c.last('setup')!.setup;
    expect(s.path).toBe('setup.yaml');
    expect(s.title).toBe('Tiny');
    expect(s.text).toBe(SETUP);
    expect(s.draft).toBe(false);
    expect(s.readOnly).toBeUndefined();
    expect(s.configs).toEqual({ 'config/common.yaml': { read_sensors: { dt: 0.5 } } });
  });

  it('loads a page\'s unsaved text for the file\'s path, without touching the file', async () => {
    const dir = project('draft');
    const { c, att, loads } = makeHost(dir);
    const edited = SETUP.replace('title: Tiny', 'title: Edited');
    await att.handle({ type: 'open', req: 1, path: 'setup.yaml', text: edited });
    expect(c.ack(1)).toMatchObject({ ok: true });
    expect(loads.at(-1)).toEqual({ path: join(dir, 'setup.yaml'), text: edited });
    const s = c.last('setup')!.setup;
    expect(s).toMatchObject({ text: edited, draft: true, title: 'Edited' });
    expect(readFileSync(join(dir, 'setup.yaml'), 'utf8')).toBe(SETUP);
  });

  it('lists the example setups by title, and marks them read-only when opened', async () => {
    const dir = project('examples-cwd');
    const examples = join(root, 'examples');
    mkdirSync(join(examples, 'tiny'), { recursive: true });
    mkdirSync(join(examples, 'notes'), { recursive: true });
    writeFileSync(join(examples, 'tiny', 'setup.yaml'), SETUP);
    writeFileSync(join(examples, 'notes', 'other.yaml'), 'just: a config\n');
    const { host, c, att, engines } = makeHost(dir, { examplesDir: examples, readOnlyRoots: [examples] });
    await att.handle({ type: 'list_setups', req: 2 });
    const list = c.last('setup_list')!;
    expect(list.examples).toEqual([{ title: 'Tiny', path: join(examples, 'tiny', 'setup.yaml') }]);
    expect(list.folder).toBe(dir);
    expect(list.saveAnywhere).toBe(true);
    await host.open(list.examples[0].path);
    expect(c.last('setup')!.setup.readOnly).toBe(true);
    // Saving over the example is refused; a copy elsewhere is fine.
    await att.handle({ type: 'save_setup', req: 3, path: list.examples[0].path, text: SETUP, from: list.examples[0].path });
    expect(c.ack(3)).toMatchObject({ ok: false, code: 'read-only' });
    expect(c.ack(3)!.message).toContain('Save As');
    // Starting an edited, unsaved example is refused too: its runs would land inside the examples.
    await att.handle({ type: 'open', req: 4, path: list.examples[0].path, text: SETUP.replace('title: Tiny', 'title: Edited') });
    expect(c.last('setup')!.setup).toMatchObject({ draft: true, readOnly: true, runnable: true });
    await att.handle({ type: 'start', req: 5 });
    expect(c.ack(5)).toMatchObject({ ok: false, code: 'read-only' });
    expect(c.ack(5)!.message).toContain('is an edited copy of a shipped example, which stays as it is: save it elsewhere (Save As)');
    expect(engines.at(-1)!.state).toBe('idle');
  });

  it('Save As writes the text elsewhere with relative paths rewritten and comments kept, then opens it', async () => {
    const dir = project('saveas');
    const { c, att, loads } = makeHost(dir);
    await att.handle({ type: 'open', req: 1, path: 'setup.yaml' });
    const edited = SETUP.replace('title: Tiny', 'title: Copy');
    await att.handle({ type: 'save_setup', req: 2, path: 'copies/deep/copy.yaml', text: edited, from: 'setup.yaml' });
    expect(c.ack(2)).toMatchObject({ ok: true });
    const written = readFileSync(join(dir, 'copies', 'deep', 'copy.yaml'), 'utf8');
    expect(written).toContain('# a comment that must survive');
    expect(written).toContain('# one value');
    expect(written).toContain('title: Copy');
    expect(written).toContain('config_file: ../../config/common.yaml');
    const saved = c.last('setup_saved')!;
    expect(saved).toMatchObject({ path: join('copies', 'deep', 'copy.yaml'), text: written, applied: true });
    expect(loads.at(-1)).toEqual({ path: join(dir, 'copies', 'deep', 'copy.yaml'), text: undefined });
    const s = c.last('setup')!.setup;
    expect(s).toMatchObject({ path: join('copies', 'deep', 'copy.yaml'), text: written, draft: false });
    expect(s.configs).toEqual({ '../../config/common.yaml': { read_sensors: { dt: 0.5 } } });
    // The original is untouched.
    expect(readFileSync(join(dir, 'setup.yaml'), 'utf8')).toBe(SETUP);
  });

  it('refuses to replace another file unless told, and saves only .yaml files', async () => {
    const dir = project('refusals');
    writeFileSync(join(dir, 'other.yaml'), '# someone else\n');
    const { c, att } = makeHost(dir);
    await att.handle({ type: 'save_setup', req: 1, path: 'other.yaml', text: SETUP, from: 'setup.yaml' });
    expect(c.ack(1)).toMatchObject({ ok: false, code: 'exists' });
    expect(readFileSync(join(dir, 'other.yaml'), 'utf8')).toBe('# someone else\n');
    await att.handle({ type: 'save_setup', req: 2, path: 'other.yaml', text: SETUP, from: 'setup.yaml', overwrite: true });
    expect(c.ack(2)).toMatchObject({ ok: true });
    expect(readFileSync(join(dir, 'other.yaml'), 'utf8')).toBe(SETUP);
    await att.handle({ type: 'save_setup', req: 3, path: 'notes.txt', text: SETUP });
    expect(c.ack(3)).toMatchObject({ ok: false, code: 'not-yaml' });
    // Save (same file) needs no overwrite.
    await att.handle({ type: 'save_setup', req: 4, path: 'setup.yaml', text: SETUP + '# more\n', from: 'setup.yaml' });
    expect(c.ack(4)).toMatchObject({ ok: true });
  });

  it('saves only inside the save folders when it has them', async () => {
    const dir = project('confined');
    const { c, att } = makeHost(dir, { saveRoots: [dir] });
    await att.handle({ type: 'save_setup', req: 1, path: join(root, 'elsewhere.yaml'), text: SETUP });
    expect(c.ack(1)).toMatchObject({ ok: false, code: 'outside' });
    await att.handle({ type: 'list_setups', req: 2 });
    expect(c.last('setup_list')!.saveAnywhere).toBe(false);
  });

  it('lists the serial ports for the asking page only, and says why when it cannot', async () => {
    const dir = project('ports');
    const ports = [{ path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', vendorId: '2341', productId: '0043' }];
    const { host, c, att } = makeHost(dir, { listPorts: async () => ({ ports }) });
    const other = new Client();
    host.attach(other);
    await att.handle({ type: 'list_ports', req: 1 });
    expect(c.last('port_list')).toEqual({ type: 'port_list', ports });
    expect(c.ack(1)).toMatchObject({ ok: true });
    expect(other.last('port_list')).toBeUndefined();

    const partial = makeHost(dir, { listPorts: async () => ({ ports: [], warning: 'listing serial ports needs udevadm' }) });
    await partial.att.handle({ type: 'list_ports' });
    expect(partial.c.last('port_list')).toEqual({ type: 'port_list', ports: [], warning: 'listing serial ports needs udevadm' });
    const failing = makeHost(dir, { listPorts: () => Promise.reject(new Error('permission denied')) });
    await failing.att.handle({ type: 'list_ports' });
    expect(failing.c.last('port_list')!.warning).toBe('cannot list the serial ports (permission denied); type the port name');
    const none = makeHost(dir);
    await none.att.handle({ type: 'list_ports' });
    expect(none.c.last('port_list')).toEqual({ type: 'port_list', ports: [], warning: 'this host cannot list serial ports; type the port name' });
  });

  it('passes a page\'s text to the admission check', async () => {
    const dir = project('admit');
    const seen: (string | undefined)[] = [];
    const { c, att } = makeHost(dir, { admit: (_p, text) => (seen.push(text), []) });
    await att.handle({ type: 'open', req: 1, path: 'setup.yaml', text: 'title: x\n' });
    expect(seen).toEqual(['title: x\n']);
    // A confined host sends config files only from inside the setup's folder.
    expect(c.last('setup')!.setup.configs).toEqual({});
  });

  it('never changes a running run: saving while running writes the file and checks it, the engine stays', async () => {
    const dir = project('running');
    const { c, att, engines } = makeHost(dir);
    await att.handle({ type: 'open', req: 1, path: 'setup.yaml' });
    await att.handle({ type: 'start', req: 2 });
    expect(c.ack(2)).toMatchObject({ ok: true });
    const setupsBefore = c.events.filter((e) => e.type === 'setup').length;
    const broken = SETUP.replace('number_of_slots: 4', 'number_of_slots: -4');
    await att.handle({ type: 'save_setup', req: 3, path: 'setup.yaml', text: broken, from: 'setup.yaml' });
    expect(c.ack(3)).toMatchObject({ ok: true });
    expect(readFileSync(join(dir, 'setup.yaml'), 'utf8')).toBe(broken);
    const saved = c.last('setup_saved')!;
    expect(saved.applied).toBe(false);
    expect(saved.problems.some((p) => p.severity === 'error' && String(p.path).includes('number_of_slots'))).toBe(true);
    expect(c.events.filter((e) => e.type === 'setup').length).toBe(setupsBefore);
    expect(engines).toHaveLength(1);
    expect(engines[0].state).toBe('running');
    // Opening another setup is refused while the run goes on.
    await att.handle({ type: 'open', req: 4, path: 'setup.yaml', text: SETUP });
    expect(c.ack(4)).toMatchObject({ ok: false });
    await att.handle({ type: 'stop', req: 5 });
  });
});
