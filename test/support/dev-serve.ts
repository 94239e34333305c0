// Develop the UI without the real pipeline:
//   npx electron-vite build && node --import tsx test/support/dev-serve.ts [--port P]
// serves out/renderer with the in-memory FakeEngine (muon-like waveforms).
import { parseArgs } from 'node:util';
import { FakeEngine } from './fake-engine';
import { Session } from '../../src-main/session/session';
import { startServer } from '../../src-main/hosts/web/server';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, setup: { type: 'string', default: 'fake/setup.yaml' } } });
const host = new Session({ version: 'dev', host: 'serve', load: (p) => FakeEngine.load(p, { auto: true }) });
await host.open(values.setup);
const server = await startServer({ host, port: Number(values.port) });
process.stdout.write(`RingScope (fake engine) serving on ${server.url}\n`);
process.on('SIGINT', () => void host.close().then(() => server.close()).then(() => process.exit(0)));
