// Two stations as two processes on loopback: A (`ringscope run`, sensors
// served as PVs) and B (`ringscope serve`, recording A by Channel Access).
// B records exactly what A served (matched by time stamp), B changes A's dt
// through its bridge (caput with completion), and when A is killed and
// started again B shows the PVs disconnected, reconnects by itself and counts
// the gap. Every wait is a handshake on a status report or a printed line.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe, stopServers } from '../test/support/browser';
import { repoRoot, startRun } from '../test/support/cli-run';
import { BridgeClient, csvRows, extraOf, freePort, stationSetups, written } from '../test/support/epics/stations';

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-stations-'));
afterAll(async () => {
  await stopServers();
  rmSync(tmp, { recursive: true, force: true });
});

const built = existsSync(join(repoRoot, 'out/main/cli.js'));

function csvIn(dir: string, name: string): string {
  const run = readdirSync(dir).find((d) => existsSync(join(dir, d, `${name}.csv`)));
  if (!run) throw new Error(`no ${name}.csv under ${dir}`);
  return join(dir, run, `${name}.csv`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.skipIf(!built)('station B records station A over Channel Access' + (built ? '' : ' (skipped: run npm run build first)'), () => {
  it('records what A serves, sets A’s dt, and reconnects after A restarts, counting the gap', async () => {
    const port = await freePort();
    const env = { EPICS_CA_ADDR_LIST: '127.0.0.1', EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_SERVER_PORT: String(port), EPICS_CA_REPEATER_PORT: String(await freePort()) };
    const setups = stationSetups(join(tmp, 'setups'), 0.5);
    const outA = join(tmp, 'a1');
    const a1 = startRun([setups.a, '--output', outA], env);
    await a1.printed(/EPICS: serving \d+ PVs on port (\d+)/);
    await a1.started;

    const b = await spawnServe([setups.b, '--root', tmp, '--output', join(tmp, 'b')], env);
    const bridge = await BridgeClient.connect(b.url);
    expect(await bridge.request({ type: 'start' })).toMatchObject({ ok: true });
    await bridge.until((s) => written(s) >= 4);

    // A caput from B's bridge: refused outside A's control limits, done (with completion) inside them.
    const refused = await bridge.request({ type: 'pv_put', pv: 'station_a:dt', value: 0 });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/put to station_a:dt refused/);
    const missing = await bridge.request({ type: 'pv_put', pv: 'station_a:nothing', value: 1 });
    expect(missing).toMatchObject({ ok: false });
    expect(missing.message).toMatch(/station_a:nothing was not found within 5 s \(searched 127\.0\.0\.1:\d+\)/);
    const putAt = Date.now() / 1000;
    expect(await bridge.request({ type: 'pv_put', pv: 'station_a:dt', value: 0.1 })).toMatchObject({ ok: true });
    await a1.printed(/EPICS: station_a:dt = 0\.1 → Fkt_1\.dt/);
    const atPut = written(bridge.status!);
    await bridge.until((s) => written(s) >= atPut + 15);

    // A goes away (a graceful kill: its own CSV keeps every reading it served).
    a1.child.kill('SIGTERM');
    expect((await a1.exited).code).toBe(0);
    const down = await bridge.until((s) => /station_a:TIME since \d{4}-\d\d-\d\dT/.test(String(extraOf(s).disconnected)));
    const beforeRestart = written(down);

    const outA2 = join(tmp, 'a2');
    const a2 = startRun([setups.a, '--output', outA2], env);
    await a2.started;
    const back = await bridge.until((s) => extraOf(s).disconnected === 'none' && written(s) >= beforeRestart + 3);
    expect(Number(extraOf(back).disconnects)).toBeGreaterThanOrEqual(1);
    expect(Number(extraOf(back).gap_s)).toBeGreaterThan(0);
    expect(extraOf(back).bad_messages).toBe(0);

    expect(await bridge.request({ type: 'stop' })).toMatchObject({ ok: true });
    await bridge.until((s) => s.state === 'ended');
    bridge.close();
    a2.child.kill('SIGTERM');
    await a2.exited;

    const served = [...csvRows(csvIn(outA, 'station_a')), ...csvRows(csvIn(outA2, 'station_a'))];
    const recorded = csvRows(csvIn(join(tmp, 'b'), 'station_b'));
    expect(recorded.length).toBeGreaterThanOrEqual(beforeRestart + 3);
    const byTime = new Map(served.map((r) => [r.time, r]));
    for (const r of recorded) {
      const a = byTime.get(r.time);
      expect(a, `B recorded time ${r.time}, which A never served`).toBeDefined();
      expect([r.cpu, r.memory, r.battery]).toEqual([a!.cpu, a!.memory, a!.battery]);
      // B's event time stamp is the PV's (EPICS keeps nanoseconds): A's reading time.
      expect(Math.abs(r.timestamp - a!.time)).toBeLessThan(1e-3);
      expect(r.cpu_severity).toBe(a!.cpu >= 95 ? 2 : a!.cpu >= 80 ? 1 : 0);
    }
    // Counters are consecutive; nothing was made up for the time A was away.
    expect(recorded.map((r) => r.counter)).toEqual(recorded.map((_, i) => i));
    expect(new Set(recorded.map((r) => r.time)).size).toBe(recorded.length);

    // dt took effect at A: its readings came every 0.5 s before the put, every 0.1 s after.
    const a1Rows = csvRows(csvIn(outA, 'station_a'));
    const gaps = (rows: Record<string, number>[]) => rows.slice(1).map((r, i) => r.time - rows[i].time);
    expect(median(gaps(a1Rows.filter((r) => r.time < putAt)))).toBeCloseTo(0.5, 1);
    expect(median(gaps(a1Rows.filter((r) => r.time > putAt + 1)))).toBeCloseTo(0.1, 1);
  });
});
