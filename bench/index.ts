// `npm run bench [-- --json] [--only a,c] [--repeat 3] [--quick]`
//
// Runs every scenario in bench/scenarios/ (each file exports `scenario`), in
// id order, with real worker threads. Prints a table, or with --json one JSON
// line per scenario: {"scenario":"a","events_per_s":…,"mb_per_s":…,"torn":…,…}.
// With --repeat N each scenario runs N times and every number is the median.
import { readdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { median, type Scenario } from './lib';

interface Args {
  json: boolean;
  only: string[] | null;
  repeat: number;
  quick: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, only: null, repeat: 1, quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a.startsWith('--only')) args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a.startsWith('--repeat')) {
      args.repeat = Number(value());
      if (!Number.isInteger(args.repeat) || args.repeat < 1) throw new Error('--repeat needs a whole number ≥ 1');
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [--json] [--only a,c] [--repeat N] [--quick]');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  return args;
}

async function loadScenarios(): Promise<Scenario[]> {
  const dir = new URL('./scenarios/', import.meta.url);
  const files = readdirSync(dir).filter((f) => /\.(ts|mjs|js)$/.test(f) && !/\.test\./.test(f) && !f.endsWith('.d.ts'));
  const out: Scenario[] = [];
  for (const f of files) {
    let s: Scenario | undefined;
    let problem = '';
    try {
      const mod = (await import(new URL(f, dir).href)) as { scenario?: Scenario; default?: Scenario };
      s = mod.scenario ?? mod.default;
      if (!s || typeof s.run !== 'function') problem = `bench/scenarios/${f} exports no scenario`;
    } catch (e) {
      problem = `bench/scenarios/${f} failed to load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    }
    if (problem) {
      // A file that does not load still gets a row (id from its name), so the others run.
      const id = f.replace(/[-.].*$/, '');
      out.push({ id, title: f, run: () => Promise.reject(new Error(problem)) });
    } else out.push(s!);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Medians of every numeric key over the runs; other values from the first run. */
function combine(runs: Record<string, number | string>[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const key of Object.keys(runs[0])) {
    const vals = runs.map((r) => r[key]);
    out[key] = vals.every((v) => typeof v === 'number') ? median(vals as number[]) : vals[0];
  }
  return out;
}

const fmt = (v: number | string | undefined) => (v === undefined ? '' : typeof v === 'number' ? v.toLocaleString('en-US') : v);

function table(rows: { id: string; title: string; result: Record<string, number | string> }[]): string {
  const main = ['events_per_s', 'mb_per_s', 'torn'];
  const head = ['scenario', 'what', 'events/s', 'MB/s', 'torn', 'more'];
  const body = rows.map(({ id, title, result }) => [
    id,
    title,
    fmt(result.events_per_s),
    fmt(result.mb_per_s),
    fmt(result.torn),
    Object.entries(result)
      .filter(([k]) => !main.includes(k))
      .map(([k, v]) => `${k}=${fmt(v)}`)
      .join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r: string[]) => r.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let scenarios = await loadScenarios();
  if (args.only) {
    const unknown = args.only.filter((id) => !scenarios.some((s) => s.id === id));
    if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')} (have: ${scenarios.map((s) => s.id).join(', ')})`);
    scenarios = scenarios.filter((s) => args.only!.includes(s.id));
  }
  if (!args.json) {
    console.log(`RingScope benchmarks — Node ${process.version}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}${args.repeat > 1 ? `, medians of ${args.repeat}` : ''}${args.quick ? ', quick' : ''}`);
  }
  const rows: { id: string; title: string; result: Record<string, number | string> }[] = [];
  let failed = 0;
  for (const s of scenarios) {
    const runs: Record<string, number | string>[] = [];
    let result: Record<string, number | string>;
    try {
      for (let i = 0; i < args.repeat; i++) runs.push(await s.run({ quick: args.quick }));
      result = combine(runs);
    } catch (e) {
      // One broken scenario must not hide the others' numbers.
      failed++;
      result = { error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
    }
    if (args.json) console.log(JSON.stringify({ scenario: s.id, ...result, ...(args.repeat > 1 && !('error' in result) ? { runs: args.repeat } : {}) }));
    else process.stderr.write(`  ${s.id} ${'error' in result ? 'FAILED' : 'done'}\n`);
    rows.push({ id: s.id, title: s.title, result });
  }
  if (!args.json) console.log(table(rows));
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
