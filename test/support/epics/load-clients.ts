// N CA clients in one process (run apart from the server, so that they do not
// share its event loop), each on its own circuit monitoring the given PVs.
//   node --import tsx load-clients.ts <port> <clients> <pv,pv,…> [dbrType]
// stdin commands: "report" → one JSON line {updates, bytes, clients}; "reset"; "quit".
import { createInterface } from 'node:readline';
import { Cmd } from '../../../src-workers/epics/protocol';
import { CaTestClient } from './ca-client';

const [portText, nText, pvList, typeText] = process.argv.slice(2);
const port = Number(portText);
const n = Number(nText);
const names = (pvList ?? '').split(',').filter(Boolean);
const dbrType = typeText === undefined ? 20 : Number(typeText); // DBR_TIME_DOUBLE

let updates = 0;
let bytes = 0;
const clients: CaTestClient[] = [];

async function main(): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await CaTestClient.connect(port);
    c.onMessage((m) => {
      if (m.command === Cmd.EVENT_ADD && m.payloadSize) {
        updates++;
        bytes += m.payloadSize + 16;
      }
    });
    for (const name of names) {
      const ch = await c.create(name);
      if (!ch) throw new Error(`no PV ${name}`);
      c.subscribe(ch.sid, dbrType);
    }
    clients.push(c);
  }
  process.stdout.write(`${JSON.stringify({ ready: true, clients: clients.length })}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'report') process.stdout.write(`${JSON.stringify({ updates, bytes, clients: clients.filter((c) => !c.closed).length })}\n`);
  else if (cmd === 'reset') {
    updates = 0;
    bytes = 0;
  } else if (cmd === 'quit') {
    for (const c of clients) c.close();
    process.exit(0);
  }
});

main().catch((e: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
  process.exit(1);
});
