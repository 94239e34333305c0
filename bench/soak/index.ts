// `npm run soak -- --minutes N [--bits B] [--slots S] [--json]`: see soak.ts.
// Exit status 1 when any check failed.
import { parseArgs } from 'node:util';
import { soak } from './soak';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    bits: { type: 'string', default: '32' },
    slots: { type: 'string', default: '256' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const bits = Number(values.bits);
const slots = Number(values.slots);
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);
if (!Number.isInteger(bits) || bits < 8 || bits > 32) throw new Error(`--bits must be an integer from 8 to 32, got ${values.bits}`);
const log = (line: string) => process.stderr.write(`soak: ${line}\n`);
log(`8 threads, ${slots} slots, ${bits}-bit sequences, ${minutes} min`);
const r = await soak({ minutes, bits, slots, log });
if (values.json) console.log(JSON.stringify({ minutes, bits, slots, ...r }));
else {
  console.log(`${r.written.toLocaleString('en')} events in ${r.seconds.toFixed(0)} s (${(r.rate / 1e6).toFixed(2)} M events/s); sequence passed 2^${bits - 1} ${r.halfWraps} times and 2^${bits} ${r.wraps} times; ${r.observerCopies} observer copies`);
  console.log(r.problems.length ? `FAILED:\n  ${r.problems.join('\n  ')}` : 'every event whole, every group got every event once, status reconciles');
}
process.exitCode = r.problems.length ? 1 : 0;
