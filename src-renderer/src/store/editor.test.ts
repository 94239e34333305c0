// The editor part of the app store against a bridge that plays the host:
// what each action sends, what the document becomes, and that unsaved work and
// running runs are safe.
import { describe, expect, it } from 'vitest';
import type { Command, HostEvent, SetupInfo } from '../../../src-shared/bridge/protocol';
import { NEW_SETUP_TEMPLATE } from '../../../src-shared/setup/template';
import { MemoryBridge } from '../../../test/support/renderer/memory-bridge';
import { hello, setup as fixtureSetup, status } from '../../../test/support/renderer/fixtures';
import { createAppStore } from './appStore';
import { editedDiffers, editedStartBlock, editorDirty, suggestSavePath } from './editor';

const TEXT = `# comment kept
title: Sensors
RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: 1, data_type: {1: [cpu, float64]}}
Functions:
  - Fkt_1:
      file_name: builtin:sources/sensors
      fkt_name: read_sensors
      RB_assign: {RB_1: write}
      config: {dt: 1}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      RB_assign: {RB_1: read}
`;

const info = (over: Partial<SetupInfo> = {}): SetupInfo => ({ ...fixtureSetup, path: 'sensors.yaml', text: TEXT, draft: false, ...over });

/** A bridge whose host opens and saves like Session: events first, then the ack. */
function make() {
  const bridge = new MemoryBridge();
  const app = createAppStore(bridge);
  const get = () => app.store.getState();
  const disk = new Map<string, string>([['sensors.yaml', TEXT]]);
  const emit = (ev: HostEvent) => bridge.emit(ev);
  const confirms: string[] = [];
  let confirmAnswer = true;
  get().setEditorHooks({
    confirmDiscard: async (m) => (confirms.push(m), confirmAnswer),
    confirmOverwrite: async (p) => (confirms.push(`overwrite ${p}`), confirmAnswer),
  });
  bridge.answer = (cmd: Command) => {
    if (cmd.type === 'open') {
      const text = cmd.text ?? disk.get(cmd.path);
      emit({ type: 'setup', setup: info({ path: cmd.path, text, draft: cmd.text !== undefined && cmd.text !== disk.get(cmd.path), runnable: !String(text).includes('-5') }) });
    }
    if (cmd.type === 'save_setup') {
      if (disk.has(cmd.path) && cmd.from !== cmd.path && !cmd.overwrite) return { ok: false, message: `${cmd.path} exists already.`, code: 'exists' } as never;
      disk.set(cmd.path, cmd.text);
      emit({ type: 'setup', setup: info({ path: cmd.path, text: cmd.text }) });
      emit({ type: 'setup_saved', path: cmd.path, text: cmd.text, problems: [], applied: true });
    }
    return { ok: true };
  };
  return { bridge, get, disk, confirms, setConfirm: (v: boolean) => (confirmAnswer = v) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('editor store', () => {
  it('takes the setup the host opened, and marks edits as unsaved', () => {
    const { bridge, get } = make();
    bridge.emit(hello({ setup: info() }));
    expect(get().editorDoc).toMatchObject({ path: 'sensors.yaml', text: TEXT, savedText: TEXT, untitled: false });
    expect(editorDirty(get())).toBe(false);
    get().editorEdit(['Functions', 0, 'Fkt_1', 'config', 'dt'], 2);
    expect(get().editorDoc!.text).toBe(TEXT.replace('{dt: 1}', '{dt: 2}'));
    expect(editorDirty(get())).toBe(true);
    expect(editedDiffers(get())).toBe(true);
  });

  it('asks before dropping unsaved changes, and keeps them when told no', async () => {
    const { bridge, get, confirms, setConfirm } = make();
    bridge.emit(hello({ setup: info() }));
    get().editorEdit(['title'], 'Mine');
    setConfirm(false);
    expect(await get().editorNew()).toBe(false);
    expect(await get().editorOpen('other.yaml')).toBe(false);
    expect(confirms).toEqual(['sensors.yaml has unsaved changes. Start a new setup and lose them?', 'sensors.yaml has unsaved changes. Open other.yaml and lose them?']);
    expect(bridge.of('open')).toHaveLength(0);
    expect(get().editorDoc!.text).toContain('title: Mine');
    // A setup another page opens does not replace unsaved work either.
    bridge.emit({ type: 'setup', setup: info({ path: 'else.yaml', text: 'title: else\n' }) });
    expect(get().editorDoc!.path).toBe('sensors.yaml');
    expect(get().notices.at(-1)!.text).toBe('else.yaml was opened; your unsaved changes to sensors.yaml stay in the editor.');
    setConfirm(true);
    expect(await get().editorNew()).toBe(true);
    expect(get().editorDoc).toMatchObject({ path: 'new-setup.yaml', text: NEW_SETUP_TEMPLATE, untitled: true });
    expect(editorDirty(get())).toBe(false);
  });

  it('saves to its path, and Save As asks before replacing another file', async () => {
    const { bridge, get, disk, confirms } = make();
    bridge.emit(hello({ setup: info() }));
    get().editorEdit(['title'], 'Saved');
    expect(await get().editorSave()).toBe(true);
    expect(bridge.of('save_setup').at(-1)).toMatchObject({ path: 'sensors.yaml', from: 'sensors.yaml' });
    expect(disk.get('sensors.yaml')).toContain('title: Saved');
    expect(editorDirty(get())).toBe(false);
    expect(get().editorMessage).toEqual({ level: 'info', text: 'Saved sensors.yaml.' });
    expect(get().editorRecent[0]).toBe('sensors.yaml');
    disk.set('copy.yaml', 'old');
    expect(await get().editorSaveAs('copy.yaml')).toBe(true);
    expect(confirms).toEqual(['overwrite copy.yaml']);
    expect(bridge.of('save_setup').slice(-2).map((c) => c.overwrite)).toEqual([undefined, true]);
    expect(get().editorDoc).toMatchObject({ path: 'copy.yaml', untitled: false });
  });

  it('saves a new or uploaded setup or an example through Save As', async () => {
    const { get } = make();
    let asked = '';
    get().setEditorHooks({ chooseSavePath: async (s) => ((asked = s), null) });
    await get().editorOpenText(TEXT, 'my sensors.yml');
    expect(get().editorDoc).toMatchObject({ path: 'my_sensors.yml', untitled: true });
    expect(await get().editorSave()).toBe(false);
    expect(asked).toBe('my_sensors.yml');
    expect(suggestSavePath({ path: 'examples/muon/setup.yaml', text: '', savedText: '', untitled: false, readOnly: true })).toBe('muon.yaml');
  });

  it('shows its in-page Save As dialog when no native one is plugged in', async () => {
    const bridge = new MemoryBridge();
    const { store } = createAppStore(bridge);
    bridge.emit(hello({ setup: info({ readOnly: true }) }));
    const saving = store.getState().editorSave();
    await flush();
    expect(store.getState().editorDialog).toEqual({ kind: 'save-as', suggested: 'sensors.yaml' });
    store.getState().editorAnswer(null);
    expect(await saving).toBe(false);
    expect(store.getState().editorDialog).toBeNull();
  });

  it('loads the edited text at Start, and refuses Start while it has errors', async () => {
    const { bridge, get } = make();
    bridge.emit(hello({ setup: info() }));
    get().editorEdit(['RingBuffer', 0, 'RB_1', 'number_of_slots'], -5);
    expect(editedStartBlock(get())).toMatch(/^the edited setup has 1 error \(line 4: number_of_slots of RB_1 must be a whole number ≥ 1/);
    await get().start();
    expect(bridge.of('start')).toHaveLength(0);
    expect(get().notices.at(-1)!.text).toMatch(/^Start is not possible: the edited setup has 1 error/);
    get().editorEdit(['RingBuffer', 0, 'RB_1', 'number_of_slots'], 32);
    expect(editedStartBlock(get())).toBeNull();
    await get().start();
    expect(bridge.of('open').at(-1)).toEqual({ type: 'open', path: 'sensors.yaml', text: TEXT.replace('number_of_slots: 16', 'number_of_slots: 32'), req: expect.any(Number) });
    expect(bridge.of('start')).toHaveLength(1);
    // The engine now runs the edited text: unsaved, but nothing differs any more.
    expect(editedDiffers(get())).toBe(false);
    expect(editorDirty(get())).toBe(true);
    expect(get().setup!.draft).toBe(true);
  });

  it('sends a live parameter to the running run; others wait for the next Start', async () => {
    const { bridge, get } = make();
    bridge.emit(hello({ setup: info() }));
    bridge.emit({ type: 'status', seq: 2, status: status({ state: 'running' }) });
    get().editorEdit(['Functions', 0, 'Fkt_1', 'config', 'dt'], 0.5, { function: 'Fkt_1', name: 'dt' });
    expect(bridge.of('set_param')).toEqual([{ type: 'set_param', function: 'Fkt_1', name: 'dt', value: 0.5, req: expect.any(Number) }]);
    await flush();
    expect(get().editorMessage!.text).toBe('Fkt_1.dt = 0.5 applied to the running run.');
    get().editorEdit(['RingBuffer', 0, 'RB_1', 'number_of_slots'], 32);
    expect(bridge.of('set_param')).toHaveLength(1);
  });
});
