// The "other machine" case: station A and station B in two network namespaces
// joined by a veth pair, B finding A as libca would — by UDP broadcast search
// (EPICS_CA_AUTO_ADDR_LIST, no address list), and by a name server over TCP
// (EPICS_CA_NAME_SERVERS). Needs root and iproute2 (`ip netns`); skipped with
// the reason where namespaces cannot be made.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, startRun } from '../test/support/cli-run';
import { csvRows, stationSetups } from '../test/support/epics/stations';

const tag = `rs${process.pid % 1_000_000}`;
const nsA = `${tag}-a`;
const nsB = `${tag}-b`;
const A_IP = '10.251.7.1';

function ip(...args: string[]): string | null {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) return `ip ${args.join(' ')}: ${r.error.message}`;
  return r.status === 0 ? null : `ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`;
}

/** Two namespaces and a veth pair between them; the reason when they cannot be made. */
function makeNamespaces(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (!existsSync(join(repoRoot, 'out/main/cli.js'))) return 'run npm run build first';
  const steps = [
    ['netns', 'add', nsA],
    ['netns', 'add', nsB],
    ['link', 'add', `${tag}a`, 'type', 'veth', 'peer', 'name', `${tag}b`],
    ['link', 'set', `${tag}a`, 'netns', nsA],
    ['link', 'set', `${tag}b`, 'netns', nsB],
    ['-n', nsA, 'addr', 'add', `${A_IP}/24`, 'brd', '+', 'dev', `${tag}a`],
    ['-n', nsB, 'addr', 'add', '10.251.7.2/24', 'brd', '+', 'dev', `${tag}b`],
    ['-n', nsA, 'link', 'set', `${tag}a`, 'up'],
    ['-n', nsB, 'link', 'set', `${tag}b`, 'up'],
    ['-n', nsA, 'link', 'set', 'lo', 'up'],
    ['-n', nsB, 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const problem = ip(...s);
    if (problem) {
      removeNamespaces();
      return `cannot make network namespaces here (needs root and iproute2): ${problem}`;
    }
  }
  return null;
}

function removeNamespaces(): void {
  ip('netns', 'del', nsA);
  ip('netns', 'del', nsB);
}

const reason = makeNamespaces();
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-netns-'));
afterAll(() => {
  if (!reason) removeNamespaces();
  rmSync(tmp, { recursive: true, force: true });
});

/** No EPICS_* from this process: each side sees only what the test gives it. */
function env(extra: Record<string, string>): Record<string, string | undefined> {
  const clean: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('EPICS_')) clean[k] = undefined;
  return { ...clean, ...extra };
}

function csvIn(dir: string, name: string): string {
  const run = readdirSync(dir).find((d) => existsSync(join(dir, d, `${name}.csv`)))!;
  return join(dir, run, `${name}.csv`);
}

describe.skipIf(reason !== null)('stations in two network namespaces' + (reason ? ` (skipped: ${reason})` : ''), () => {
  it('B finds A by broadcast search and by a name server over TCP, and records what A served', async () => {
    const setups = stationSetups(join(tmp, 'setups'), 0.2);
    const outA = join(tmp, 'a');
    // A on the default port 5064, as a station on a lab network would be.
    const a = startRun([setups.a, '--output', outA], env({}), nsA);
    await a.started;

    const broadcast = startRun([setups.b, '--output', join(tmp, 'b1'), '--events', '5'], env({ EPICS_CA_AUTO_ADDR_LIST: 'YES' }), nsB);
    const r1 = await broadcast.exited;
    expect(r1.stderr).toMatch(/Run ended: runevents/);
    expect(r1.code).toBe(0);

    const named = startRun([setups.b, '--output', join(tmp, 'b2'), '--events', '3'], env({ EPICS_CA_AUTO_ADDR_LIST: 'NO', EPICS_CA_NAME_SERVERS: `${A_IP}:5064` }), nsB);
    const r2 = await named.exited;
    expect(r2.stderr).toMatch(/Run ended: runevents/);

    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    const served = new Map(csvRows(csvIn(outA, 'station_a')).map((r) => [r.time, r]));
    for (const [out, n] of [['b1', 5], ['b2', 3]] as const) {
      const rows = csvRows(csvIn(join(tmp, out), 'station_b'));
      expect(rows).toHaveLength(n);
      for (const r of rows) expect([r.cpu, r.memory, r.battery]).toEqual([served.get(r.time)?.cpu, served.get(r.time)?.memory, served.get(r.time)?.battery]);
    }
  });
});
