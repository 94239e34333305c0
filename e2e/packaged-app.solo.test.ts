// The packaged app as a folder (`npm run dist:dir`: electron-builder --linux dir,
// offline, with a stand-in Electron folder where no binary can be downloaded):
// the tree holds everything the app loads at run time, Electron's fuses are set
// as electron-builder.yml says, and the packaged engine host — run under Node 24,
// the Node inside Electron 45, with an Electron-shaped parentPort — records a
// muon run from the shipped, read-only examples into the user's documents folder,
// exactly as the desktop app's main would configure it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputConfig } from '../src-main/hosts/desktop/controller';
import { recordMuonRun } from '../test/support/electron-shape/record';
import { utilityEnvironment } from '../test/support/electron-shape/utility-process';
import { node24 } from '../test/support/node24';

const ROOT = join(import.meta.dirname, '..');
const APP_DIR = join(ROOT, 'dist', 'linux-unpacked');
const RESOURCES = join(APP_DIR, 'resources');
const APP = join(RESOURCES, 'app');
const require = createRequire(import.meta.url);
const home = mkdtempSync(join(tmpdir(), 'ringscope-packaged-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

let packaging: { status: number | null; output: string };
beforeAll(() => {
  rmSync(APP_DIR, { recursive: true, force: true });
  // out/ is built by `npm test` before any test runs; package it as `npm run dist:dir` does after building.
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/dist-dir.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
  packaging = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}, 600_000);

describe('npm run dist:dir (the packaged folder)', () => {
  it('packages without the network, into dist/linux-unpacked with the app binary', () => {
    expect(packaging.status, packaging.output).toBe(0);
    expect(existsSync(join(APP_DIR, 'ringscope'))).toBe(true);
  });

  it('holds main, preload, renderer, the engine host, worker chunks, native and wasm modules, tsx, the Python bridge and the examples', () => {
    const need = [
      'out/main/index.js',
      'out/main/engine-host.js',
      'out/main/worker.js',
      'out/main/cli.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
      'node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node',
      'node_modules/parquet-wasm/node/parquet_wasm_bg.wasm',
      'node_modules/tsx/package.json',
      'src-workers/python/ringscope_bridge.py',
      'src-workers/python/ringscope_buffer_control.py',
    ];
    expect(need.filter((f) => !existsSync(join(APP, f)))).toEqual([]);
    expect(readdirSync(join(APP, 'out/main/chunks')).some((f) => f.endsWith('.js'))).toBe(true);
    // Every example folder of the repository ships (read-only, next to the app).
    const examples = readdirSync(join(ROOT, 'examples'));
    expect(examples.filter((ex) => !existsSync(join(RESOURCES, 'examples', ex)))).toEqual([]);
    expect(existsSync(join(RESOURCES, 'examples', 'muon', 'setup.yaml'))).toBe(true);
    // Development-only packages stay out of the app.
    for (const dev of ['vitest', 'electron', 'electron-builder', 'playwright-core', 'typescript']) expect(existsSync(join(APP, 'node_modules', dev)), dev).toBe(false);
  });

  it("has Electron's fuses set: no NODE_OPTIONS, no --inspect, run-as-Node kept for the serial helper", async () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
    // The wire holds ASCII '1' (on) and '0' (off).
    const FuseState = { ENABLE: 0x31, DISABLE: 0x30 };
    const wire = await getCurrentFuseWire(join(APP_DIR, 'ringscope'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
  });

  const n24 = node24();
  const skip = 'missing' in n24 && !process.env.CI ? n24.missing : null;
  it.skipIf(skip !== null)(`runs its engine host under Node 24: a muon run from the read-only examples lands in the documents folder${skip ? ` — skipped: ${skip}` : ''}`, async () => {
    if ('missing' in n24) throw new Error(n24.missing);
    const documents = join(home, 'Documents');
    mkdirSync(documents, { recursive: true });
    const examplesDir = join(RESOURCES, 'examples');
    // As main configures it in a packaged app (src-main/hosts/desktop/electron/index.ts).
    const output = outputConfig(null, [RESOURCES], documents);
    let printed = '';
    const env = utilityEnvironment(join(APP, 'out/main/engine-host.js'), { node: n24.path, cwd: home, output: (t) => (printed += t) });
    const setup = join(examplesDir, 'muon', 'setup.yaml');
    const r = await recordMuonRun(env, { setup, cwd: home, output, setups: { examplesDir, readOnlyRoots: [RESOURCES, examplesDir] } });
    expect(r.summary.run_directory.startsWith(join(documents, 'RingScope', 'runs'))).toBe(true);
    expect(r.onDisk.buffers.RB_3.written).toBeGreaterThan(0);
    expect(r.onDisk.exports.length).toBeGreaterThan(0);
    // Nothing was written next to the shipped examples.
    expect(existsSync(join(examplesDir, 'muon', 'target')), printed).toBe(false);
    await r.sup.shutdown();
    expect(env.children[0].exitCode, printed).toBe(0);
    expect(JSON.parse(readFileSync(join(r.summary.run_directory, 'run.json'), 'utf8')).end_reason).toBe('stop');
  });
});
