// `ringscope run <setup.yaml>`: the engine in the terminal, no window.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { RunSummary, StatusReport } from '../../../../src-shared/engine/status';
import { loadEngine } from '../../../engine/load';
import { maybeStartEpics } from '../../../epics';
import { onStopSignals } from '../stop-signals';
import { formatProblem } from './validate';

const HELP = `Usage: ringscope run <setup.yaml> [options]

Runs a setup headless: ring buffers and functions as configured, exports in a
new run directory; run.json from the start (state "running", rewritten every
2 s) and complete at the end.

Options:
  --events N     stop after N source events (overrides runevents; 0 = unlimited)
  --duration S   stop after S seconds of running time (overrides runtime; 0 = unlimited)
  --output DIR   where run directories go (overrides output_directory)
  --json         print run.json as the last line of standard output
  --status-every S
                 without a terminal, print a status line every S seconds (default 10;
                 0 = every status report, about once a second)
  -h, --help     show this help

While it runs: p + Enter pauses, r + Enter resumes, s + Enter stops, e + Enter
ends (mimoCoRB's keys; here s and e both end the run, everything buffered written).
Ctrl-C, SIGTERM and SIGHUP (timeout, systemd, docker, a closing terminal) stop
gracefully (everything buffered is written); a second one aborts (a SIGTERM or
SIGHUP within a second of the first counts as the same: \`timeout\` sends two).
Exit status: 0 for a clean end, 1 for a setup or function error, 2 for usage, 3 for an abort.
`;


function fail(message: string, code = 2): number {
  process.stderr.write(`ringscope run: ${message}\n`);
  return code;
}

function nonNegative(name: string, v: string | undefined): number | undefined | Error {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) return new Error(`${name} wants a number ≥ 0, got "${v}"`);
  return n;
}

/** One line: elapsed, per-buffer rate, fill and deadtime. */
export function statusLine(s: StatusReport): string {
  const parts = s.buffers.map((b) => `${b.name} ${b.rate.toFixed(0)} Hz ${b.written} ev fill ${b.filled}/${b.slots} dead ${(b.deadtime * 100).toFixed(1)}%`);
  const failed = s.functions.flatMap((f) => f.instances.filter((i) => i.state === 'failed').map(() => f.name));
  const disk = s.disk?.warning ? ` | warning: ${s.disk.warning}` : '';
  return `[${s.state} ${s.elapsed.toFixed(1)} s] ${parts.join(' | ')}${failed.length ? ` | failed: ${[...new Set(failed)].join(', ')}` : ''}${disk}`;
}

function summaryText(r: RunSummary): string {
  const lines = [`Run ended: ${r.end_reason}${r.error ? ` — ${r.error}` : ''}`, `Run directory: ${r.run_directory}`];
  for (const [name, b] of Object.entries(r.buffers)) {
    const rel = Object.entries(b.released).map(([g, n]) => `${g} ${n}`).join(', ');
    lines.push(`  ${name}: ${b.written} written${rel ? `, released by ${rel}` : ''}, deadtime ${(b.deadtime_mean * 100).toFixed(2)}%`);
  }
  for (const [name, f] of Object.entries(r.functions)) {
    for (const e of f.errors) lines.push(`  ${name} (${f.fkt_name}) #${e.instance}${e.counter !== null ? ` at event ${e.counter}` : ''}: ${e.message}`);
  }
  for (const e of r.exports) lines.push(`  export: ${e}`);
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        events: { type: 'string' },
        duration: { type: 'string' },
        output: { type: 'string' },
        json: { type: 'boolean', default: false },
        'status-every': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}\n${HELP}`);
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length !== 1) return fail(`give exactly one setup file.\n${HELP}`);
  const events = nonNegative('--events', args.values.events);
  const duration = nonNegative('--duration', args.values.duration);
  if (events instanceof Error) return fail(events.message);
  if (duration instanceof Error) return fail(duration.message);
  const every = nonNegative('--status-every', args.values['status-every']);
  if (every instanceof Error) return fail(every.message);
  const plainEveryMs = (every ?? 10) * 1000;

  const { engine, problems, loaded } = await loadEngine(args.positionals[0]);
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  if (!engine) {
    const n = problems.filter((p) => p.severity === 'error').length;
    process.stderr.write(`ringscope run: the setup has ${n} error(s); nothing was started.\n`);
    return 1;
  }

  const tty = Boolean(process.stderr.isTTY);
  let lastPlain = 0;
  engine.on('status', (s) => {
    if (s.state !== 'running' && s.state !== 'paused' && s.state !== 'stopping') return;
    if (tty) process.stderr.write(`\r\x1b[K${statusLine(s)}`);
    else if (lastPlain === 0 || performance.now() - lastPlain >= plainEveryMs) {
      lastPlain = performance.now();
      process.stderr.write(statusLine(s) + '\n');
    }
  });
  // The engine's warnings (a function that does not stop, a run.json that cannot be written) reach the terminal.
  engine.on('log', (l) => {
    if (l.source === 'engine' && l.level !== 'info') process.stderr.write(`${tty ? '\r\x1b[K' : ''}${l.level}: ${l.message}\n`);
  });
  engine.on('error', (e) => {
    process.stderr.write(`${tty ? '\r\x1b[K' : ''}error in ${e.function} (${e.fkt_name}) #${e.instance}${e.counter !== null ? ` at event ${e.counter}` : ''}: ${e.message}\n`);
  });

  const offSignals = onStopSignals((count, signal) => {
    const by = signal === 'SIGINT' ? '' : ` (${signal})`;
    if (count === 1) {
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}stopping${by}: writing what is buffered (Ctrl-C again to abort)\n`);
      void engine.stop();
    } else {
      process.stderr.write(`aborting${by}\n`);
      void engine.abort();
    }
  });

  // Keyboard control as mimoCoRB's run_mimoDAQ: end of input never stops the run.
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const c = line.trim().toLowerCase();
    if (c === 'p') engine.pause();
    else if (c === 'r') engine.resume();
    // mimoCoRB's E (exit) ends the run as S does: a headless run has nothing to stay open for.
    else if (c === 's' || c === 'e') void engine.stop();
    else if (c !== '') process.stderr.write(`${tty ? '\r\x1b[K' : ''}unknown command "${line.trim()}": type p (pause), r (resume), s (stop) or e (end) and Enter\n`);
  });
  rl.on('error', () => {});

  const startOptions = { runevents: events, runtime: duration, outputDirectory: args.values.output };
  // Live values as EPICS Channel Access PVs, when the setup's epics: section enables them.
  const epics = await maybeStartEpics(engine, loaded.setup.epics, (level, message) => process.stderr.write(`${level === 'info' ? '' : `${level}: `}${message}\n`), {
    functions: loaded.functions,
    startOptions,
  });
  try {
    await engine.start(startOptions);
  } catch (e) {
    rl.close();
    offSignals();
    await epics?.stop();
    return fail((e as Error).message, 1);
  }
  process.stderr.write(`Run started: ${engine.status().run_directory}\n`);
  const summary = await engine.waitForEnd();
  rl.close();
  process.stdin.destroy();
  offSignals();
  if (tty) process.stderr.write('\r\x1b[K');
  process.stderr.write(summaryText(summary));
  if (args.values.json) process.stdout.write(JSON.stringify(summary) + '\n');
  await engine.close();
  await epics?.stop();
  if (summary.end_reason === 'abort') return 3;
  return summary.end_reason === 'error' ? 1 : 0;
}
