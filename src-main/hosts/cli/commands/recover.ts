// `ringscope recover <run directory>`: completes the run directory of a run that was
// killed (SIGKILL, a power cut): every export made readable and counted, run.json
// completed with end_reason "killed".
import { parseArgs } from 'node:util';
import { RecoverError, recoverRun } from '../../../engine/recover-run';

const HELP = `Usage: ringscope recover <run directory> [--json]

Completes the run directory of a run that was killed (SIGKILL, a power cut, a
crash): run.json then says "running" with the counts of its last rewrite.
recover cuts a torn last line off each CSV export, keeps the Parquet parts that
were closed and removes the one being written (at most its last second of
events), counts the events in every export, and completes run.json:
end_reason "killed", each sink's counts set to what its file holds, and
"recovered" listing the rows found and what was repaired.

Options:
  --json         print the completed run.json as the last line of standard output
  -h, --help     show this help

Exit status: 0 recovered, 1 nothing to recover or not a run directory, 2 usage.
`;

export async function recover(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (e) {
    process.stderr.write(`ringscope recover: ${(e as Error).message}\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    process.stderr.write(`ringscope recover: give exactly one run directory.\n${HELP}`);
    return 2;
  }
  try {
    const summary = await recoverRun(args.positionals[0]!);
    const r = summary.recovered!;
    const lines = [`Recovered ${summary.run_directory} (end_reason killed; last alive ${summary.ended})`];
    for (const [path, n] of Object.entries(r.rows)) lines.push(`  ${path}: ${n} events`);
    for (const a of r.actions) lines.push(`  repaired: ${a}`);
    process.stderr.write(lines.join('\n') + '\n');
    if (args.values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof RecoverError)) throw e;
    process.stderr.write(`ringscope recover: ${e.message}\n`);
    return 1;
  }
}
