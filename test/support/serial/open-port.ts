// Opens a serial port once and prints the outcome: run as another user by the
// permission test (a child process, because a process cannot drop root and regain it).
import { SerialConnection } from '../../../src-workers/serial/connection';
import { LineDecoder } from '../../../src-workers/serial/lines';

const c = new SerialConnection({
  settings: { path: process.argv[2], baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  decoder: new LineDecoder({ values: 1 }),
});
await c.open().then(
  () => console.log('opened'),
  (e: Error) => console.log(e.message),
);
await c.close();
