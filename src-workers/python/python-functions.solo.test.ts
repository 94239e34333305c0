// Python functions written against mimoCoRB's API, run by the real engine (worker threads,
// Python processes of the mimoCoRB test venv): exact dtypes both ways, values that
// reconcile, Python exceptions as function errors with their traceback, on_error,
// what Python writes checked against the layout, pause, and validate's checks.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary, StatusReport } from '../../src-shared/engine/status';
import type { Engine } from '../../src-main/engine/engine';
import { loadEngine } from '../../src-main/engine/load';
import { loadSetup } from '../../src-main/setup';
import { mimocorbPython } from '../../test/support/python/mimocorb';

/** Where the worker and its Python process share their events (shared-file.ts). */
const SHM = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

const SOURCE = `
import numpy as np
from mimocorb.buffer_control import rbImport

def source(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    n = sink_list[0]["values_per_slot"]
    def gen():
        k = 0
        while True:
            yield ([np.arange(n, dtype=np.int64) + k, np.full(n, k / 4, dtype=np.float32), np.full(n, k % 256)], None)
            k += 1
    rbImport(sink_list=sink_list, config_dict=config_dict, ufunc=gen, **rb_info)()
`;

const FILTER = `
import numpy as np
from mimocorb.buffer_control import rbTransfer

def flt(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    field = config_dict.get("field", "n")
    # A dtype of its own, as user code often has; a field RB_2 does not have must be refused.
    out_dtype = sink_list[0]["dtype"] if field == "n" else [("total", "f8"), (field, "i2")]
    def f(data):
        assert data.dtype.names == ("x", "y", "z"), data.dtype
        assert (data["x"].dtype, data["y"].dtype, data["z"].dtype) == (np.int64, np.float32, np.uint8), data.dtype
        k = int(data["x"][0])
        if k % 7 == 3:
            raise ValueError(f"event {k} is unlucky")
        rec = np.zeros((1,), dtype=out_dtype)
        rec["total"] = data["x"].sum() + data["y"].sum()
        rec[field] = data["z"][0]
        return [rec]
    rbTransfer(source_list=source_list, sink_list=sink_list, config_dict=config_dict, ufunc=f, **rb_info)()
`;

const EXPORT = `
from mimocorb.buffer_control import rb_toTxtfile

def save(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    rb_toTxtfile(source_list=source_list, config_dict=config_dict, **rb_info)()
`;


const PROCESS = `
import numpy as np
from mimocorb.buffer_control import rbProcess

def proc(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    dt = sink_list[1]["dtype"]
    def f(data):
        k = int(data["x"][0])
        if k % 2:
            return [None, None]
        a = np.zeros((1,), dtype=dt); a["total"] = k
        b = np.zeros((1,), dtype=dt); b["total"] = -k
        return [True, [a, b]]
    rbProcess(source_list=source_list, sink_list=sink_list, config_dict=config_dict, ufunc=f, **rb_info)()
`;

const EXPORT_OBSERVE = `
import json
from mimocorb.buffer_control import rbExport, rbObserver, rbDrain

def export(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    n, total = 0, 0.0
    for item in rbExport(source_list=source_list, config_dict=config_dict, **rb_info)():
        if item is None:
            break
        data, meta = item
        n += 1
        total += float(data["total"][0])
    json.dump({"n": n, "total": total}, open(config_dict["directory_prefix"] + "/export.json", "w"))

def observe(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    seen, last = 0, None
    for data in rbObserver(observe_list=observe_list, config_dict={"min_sleeptime": 0.05}, **rb_info)():
        if data is None:
            break
        assert data.dtype.names == ("x", "y", "z")
        seen += 1
        last = int(data["x"][0])
    json.dump({"seen": seen, "last": last}, open(config_dict["directory_prefix"] + "/observed.json", "w"))

def drain(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    rbDrain(source_list=source_list, config_dict=config_dict, **rb_info)()
`;

const setupText = (opts: { onError?: string; field?: string; runevents?: number; python?: string } = {}) => `
${opts.python ? `python: ${opts.python}` : ''}
RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: 3, data_type: {1: [x, int64], 2: [y, float32], 3: [z, uint8]}}
  - RB_2: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [total, float64], 2: [n, int16]}}
Functions:
  - Fkt_main: {runevents: ${opts.runevents ?? 500}}
  - Fkt_1: {file_name: modules/src, fkt_name: source, num_process: 1, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: modules/flt, fkt_name: flt, num_process: 2, on_error: ${opts.onError ?? 'skip_event'}, config: {field: ${opts.field ?? 'n'}}, RB_assign: {RB_1: read, RB_2: write}}
  - Fkt_3: {file_name: modules/exp, fkt_name: save, num_process: 1, config: {filename: totals, header_alias: {counter: 'event id'}}, RB_assign: {RB_2: read}}
`;

let tmp: string;
let n = 0;

/** A setup folder with the three modules above. */
function folder(setup: string, modules: Record<string, string> = {}): string {
  const dir = join(tmp, `s${n++}`);
  mkdirSync(join(dir, 'modules'), { recursive: true });
  for (const [name, text] of Object.entries({ src: SOURCE, flt: FILTER, exp: EXPORT, ...modules })) writeFileSync(join(dir, 'modules', `${name}.py`), text);
  writeFileSync(join(dir, 'setup.yaml'), setup);
  return join(dir, 'setup.yaml');
}

async function engineFor(setup: string): Promise<Engine> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  return engine!;
}

const rowsOf = (summary: RunSummary, name: string) => {
  const f = summary.exports.find((e) => e.endsWith(name))!;
  return readFileSync(f, 'utf8').trim().split('\n');
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rs-python-'));
  process.env.RINGSCOPE_PYTHON = mimocorbPython();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Python functions through mimocorb.buffer_control', () => {
  it('carry exact dtypes and values both ways; an exception skips its event with the traceback in run.log', async () => {
    const engine = await engineFor(folder(setupText()));
    await engine.start({ outputDirectory: join(tmp, 'out') });
    const s = await engine.waitForEnd();
    expect(s.end_reason).toBe('runevents');
    const unlucky = Array.from({ length: 500 }, (_, k) => k).filter((k) => k % 7 === 3);
    expect(s.functions.Fkt_2.failed_events).toBe(unlucky.length);
    expect(s.buffers.RB_1.released.Fkt_2).toBe(500);
    expect(s.buffers.RB_2.written).toBe(500 - unlucky.length);
    expect(s.buffers.RB_2.released.Fkt_3).toBe(s.buffers.RB_2.written);
    const rows = rowsOf(s, 'totals.txt');
    expect(rows[0]).toBe('event id\ttimestamp\tdeadtime\ttotal\tn');
    expect(rows).toHaveLength(s.buffers.RB_2.written + 1);
    for (const line of rows.slice(1)) {
      const [id, , , total, z] = line.split('\t');
      const k = Number(id);
      expect(k % 7).not.toBe(3);
      expect(Number(total)).toBeCloseTo(3 * k + 3 + (3 * k) / 4, 6); // x = k, k+1, k+2 and three y = k/4
      expect(z).toBe(String(k % 256));
    }
    const log = readFileSync(join(s.run_directory, 'run.log'), 'utf8');
    expect(log).toContain('ValueError: event 3 is unlucky');
    expect(log).toMatch(/Traceback \(most recent call last\):[\s\S]*flt\.py", line \d+, in f/);
  }, 300_000);

  it('refuses a result field the buffer does not have, naming it: the function stops the run (on_error: stop)', async () => {
    const engine = await engineFor(folder(setupText({ onError: 'stop', field: 'bogus' })));
    await engine.start({ outputDirectory: join(tmp, 'out') });
    const s = await engine.waitForEnd();
    expect(s.end_reason).toBe('error');
    expect(s.error).toContain("field 'bogus' that RB_2 does not have (its fields: total, n)");
    expect(s.buffers.RB_2.written).toBe(0);
    for (const [name, b] of Object.entries(s.buffers)) for (const [g, r] of Object.entries(b.released)) expect(r, `${name} by ${g}`).toBe(b.written);
  }, 300_000);

  it('rbProcess (a copy and a list of records per event), rbExport, rbObserver and rbDrain as mimoCoRB defines them', async () => {
    const setup = `
RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: 3, data_type: {1: [x, int64], 2: [y, float32], 3: [z, uint8]}}
  - RB_2: {number_of_slots: 16, channel_per_slot: 3, data_type: {1: [x, int64], 2: [y, float32], 3: [z, uint8]}}
  - RB_3: {number_of_slots: 8, channel_per_slot: 1, data_type: {1: [total, float64], 2: [n, int16]}}
Functions:
  - Fkt_main: {runevents: 300}
  - Fkt_1: {file_name: modules/src, fkt_name: source, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: modules/proc, fkt_name: proc, RB_assign: {RB_1: read, RB_2: write, RB_3: write}}
  - Fkt_3: {file_name: modules/eo, fkt_name: export, RB_assign: {RB_3: read}}
  - Fkt_4: {file_name: modules/eo, fkt_name: observe, RB_assign: {RB_1: observe}}
  - Fkt_5: {file_name: modules/eo, fkt_name: drain, RB_assign: {RB_2: read}}
`;
    const engine = await engineFor(folder(setup, { proc: PROCESS, eo: EXPORT_OBSERVE }));
    await engine.start({ outputDirectory: join(tmp, 'out') });
    const s = await engine.waitForEnd();
    expect(s.end_reason).toBe('runevents');
    expect(s.buffers.RB_2.written).toBe(150);
    expect(s.buffers.RB_3.written).toBe(300);
    expect(s.buffers.RB_2.released.Fkt_5).toBe(150);
    const exported = JSON.parse(readFileSync(join(s.run_directory, 'export.json'), 'utf8'));
    expect(exported).toEqual({ n: 300, total: 0 });
    // However late Python started, the observer is shown the run's last event (x = its counter).
    const observed = JSON.parse(readFileSync(join(s.run_directory, 'observed.json'), 'utf8'));
    expect(observed.seen).toBeGreaterThan(0);
    expect(observed.last).toBe(299);
    expect(readFileSync(join(s.run_directory, 'message.txt'), 'utf8')).toContain('No output foreseen');
  }, 300_000);

  it("hands a slow source's event over before the next one is made; the shared file is nameless while running and gone after", async () => {
    const gated = `
import os, time
import numpy as np
from mimocorb.buffer_control import rbImport

def source(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    n = sink_list[0]["values_per_slot"]
    gate = config_dict["gate"]
    def gen():
        for k in range(3):
            while k and not os.path.exists(f"{gate}_{k}"):  # event k only once the test saw event k - 1
                time.sleep(0.01)
            yield ([np.full(n, k), np.full(n, k / 4), np.full(n, k)], None)
    rbImport(sink_list=sink_list, config_dict=config_dict, ufunc=gen, **rb_info)()
`;
    const gate = join(tmp, `gate${n}`);
    const setup = `
RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: 3, data_type: {1: [x, int64], 2: [y, float32], 3: [z, uint8]}}
Functions:
  - Fkt_1: {file_name: modules/gated, fkt_name: source, config: {gate: "${gate}"}, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: "builtin:sinks/drain", RB_assign: {RB_1: read}}
`;
    const ours = () => readdirSync(SHM).filter((f) => f.startsWith(`ringscope-python-${process.pid}-`));
    const engine = await engineFor(folder(setup, { gated }));
    const next = (pred: (st: StatusReport) => boolean) =>
      new Promise<StatusReport>((res) => {
        const off = engine.on('status', (st) => pred(st) && (off(), res(st)));
      });
    await engine.start({ outputDirectory: join(tmp, 'out') });
    for (let k = 1; k <= 2; k++) {
      await next((st) => st.buffers[0].written >= k); // would wait for ever if event k - 1 waited for company
      expect(ours()).toEqual([]);
      writeFileSync(`${gate}_${k}`, '');
    }
    const s = await engine.waitForEnd();
    expect(s.buffers.RB_1.written).toBe(3);
    expect(s.buffers.RB_1.released.Fkt_2).toBe(3);
    expect(ours()).toEqual([]);
  }, 300_000);

  for (const fork of [true, false]) {
    it(`${fork ? 'forked from the fork server' : 'RINGSCOPE_PYTHON_FORK=0: a Python of its own'}: a process that dies is the function's error, with what it printed${fork ? '; modules are imported once, as mimoCoRB does' : ''}`, async () => {
      const dying = `
import os
import numpy as np
from mimocorb.buffer_control import rbTransfer

with open(os.path.join(os.path.dirname(__file__), "imported.txt"), "a") as f:
    print("imported", file=f)

def flt(source_list=None, sink_list=None, observe_list=None, config_dict=None, **rb_info):
    def f(data):
        if int(data["x"][0]) == 5:
            print("leaving at event 5", flush=True)
            os._exit(7)
        rec = np.zeros((1,), dtype=sink_list[0]["dtype"])
        return [rec]
    rbTransfer(source_list=source_list, sink_list=sink_list, config_dict=config_dict, ufunc=f, **rb_info)()
`;
      const setup = folder(setupText({ onError: 'stop' }), { flt: dying });
      const before = process.env.RINGSCOPE_PYTHON_FORK;
      if (!fork) process.env.RINGSCOPE_PYTHON_FORK = '0';
      try {
        const engine = await engineFor(setup);
        await engine.start({ outputDirectory: join(tmp, 'out') });
        const s = await engine.waitForEnd();
        expect(s.end_reason).toBe('error');
        expect(s.error).toMatch(new RegExp(`the Python process of \\S*modules/flt\\.py ended${fork ? '' : ' \\(exit code 7\\)'} before its function returned; it said:\\n[\\s\\S]*leaving at event 5`));
        for (const [name, b] of Object.entries(s.buffers)) for (const [g, r] of Object.entries(b.released)) expect(r, `${name} by ${g}`).toBe(b.written);
        // num_process: 2 — imported once in the fork server, or once per process.
        expect(readFileSync(join(dirname(setup), 'modules', 'imported.txt'), 'utf8').trim().split('\n')).toHaveLength(fork ? 1 : 2);
      } finally {
        if (before === undefined) delete process.env.RINGSCOPE_PYTHON_FORK;
        else process.env.RINGSCOPE_PYTHON_FORK = before;
      }
    }, 300_000);
  }

  it('removes what a killed engine left in the shared folder (files named after a process that is gone)', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const left = [join(SHM, `ringscope-python-${dead}-0123456789ab`), join(SHM, `ringscope-fork-${dead}-0123456789ab.sock`)];
    for (const f of left) writeFileSync(f, '');
    const mine = join(SHM, `ringscope-python-${process.pid}-0123456789ab`); // this process runs: kept
    writeFileSync(mine, '');
    try {
      const engine = await engineFor(folder(setupText({ runevents: 20 })));
      await engine.start({ outputDirectory: join(tmp, 'out') });
      const s = await engine.waitForEnd();
      expect(s.buffers.RB_1.written).toBe(20);
      expect(left.filter((f) => existsSync(f))).toEqual([]);
      expect(existsSync(mine)).toBe(true);
    } finally {
      rmSync(mine, { force: true });
    }
  }, 300_000);

  it('holds a Python source while paused and goes on after resume', async () => {
    const engine = await engineFor(folder(setupText({ runevents: 100_000 })));
    const statuses: StatusReport[] = [];
    engine.on('status', (st) => statuses.push(st));
    await engine.start({ outputDirectory: join(tmp, 'out') });
    const next = (pred: (st: StatusReport) => boolean) =>
      new Promise<StatusReport>((res) => {
        const off = engine.on('status', (st) => pred(st) && (off(), res(st)));
      });
    await next((st) => st.source_events > 0);
    engine.pause();
    const paused = await next((st) => st.state === 'paused');
    const later = await next((st) => st.state === 'paused' && st.elapsed > paused.elapsed + 2);
    expect(later.source_events).toBe(paused.source_events);
    engine.resume();
    await next((st) => st.state === 'running' && st.source_events > paused.source_events);
    const s = await engine.stop();
    expect(s.end_reason).toBe('stop');
    expect(s.buffers.RB_1.released.Fkt_2).toBe(s.buffers.RB_1.written);
    expect(rowsOf(s, 'totals.txt')).toHaveLength(s.buffers.RB_2.written + 1);
  }, 300_000);
});

describe('validate with Python modules (read by Python\'s parser, never run)', () => {
  it('names the function a module lacks, with a did-you-mean, and an import of mimocorb that is not installed at its line', async () => {
    const text = setupText({ python: '/usr/bin/python3' }).replace('fkt_name: flt', 'fkt_name: fltt');
    const line = text.slice(0, text.indexOf('fltt')).split('\n').length;
    const setup = folder(text, {
      src: `import sys\nsys.exit(5)\nfrom mimocorb.pulseSimulator import pulseSimulator\n${SOURCE}`,
    });
    const loaded = await loadSetup(setup);
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.file.split('/').pop(), p.line, p.code])).toEqual([
      ['setup.yaml', line, 'missing-export'],
      ['src.py', 3, 'no-mimocorb'],
    ]);
    expect(errors[0].message).toContain('defines no function "fltt". Did you mean "flt"?');
    expect(errors[1].message).toContain('imports mimocorb.pulseSimulator, which comes from the mimocorb package, and it is not installed for "/usr/bin/python3"');
  });

  it('says when the Python cannot be started', async () => {
    const loaded = await loadSetup(folder(setupText({ python: '/nonexistent/python3' })));
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors).toHaveLength(3);
    expect(errors[0].message).toMatch(/Fkt_1 runs the Python module .*src\.py, but the Python "\/nonexistent\/python3" cannot be started \(it was not found\)/);
  });
});
