// Loaded with `node --import` before an entry that Electron would start with
// utilityProcess.fork: gives the process an Electron-shaped `process.parentPort`
// (Electron 45's docs: ParentPort and MessagePortMain) over Node's IPC channel
// to the test. What it reproduces of Electron, on purpose:
// - parentPort queues messages until a 'message' listener exists;
// - each message arrives as an event { data, ports };
// - transferred ports are MessagePortMain-shaped: postMessage, on('message') with
//   events { data, ports }, on('close'), start() (nothing is delivered before it), close().
// A transferred port's other end lives in the test process; messages travel over
// IPC ('advanced' serialization, so typed arrays stay typed), each posted the
// moment postMessage is called, as a MessagePortMain hands it to Mojo. An exit
// waits (up to 2 s) until what was posted has left the process.
import { EventEmitter } from 'node:events';
import { isMainThread } from 'node:worker_threads';

// Worker threads inherit --import: they have no parentPort in Electron either.
if (isMainThread) install();

function install() {
  if (typeof process.send !== 'function') throw new Error('utility-preload: start this process with an IPC channel (fork)');

  let inFlight = 0;
  const send = (m) => {
    if (!process.connected) return;
    inFlight++;
    process.send(m, undefined, {}, () => inFlight--);
  };
  const exit = process.exit.bind(process);
  process.exit = (code) => {
    const deadline = Date.now() + 2000;
    const wait = () => (inFlight > 0 && process.connected && Date.now() < deadline ? setTimeout(wait, 5) : exit(code ?? process.exitCode));
    wait();
  };

  /** A MessagePortMain-shaped end whose other end is in the test process (pair `id`). */
  const ports = new Map();
  function portMain(id) {
    const ee = new EventEmitter();
    let started = false;
    let closed = false;
    const queued = [];
    const end = () => {
      if (closed) return;
      closed = true;
      ports.delete(id);
      ee.emit('close');
    };
    ports.set(id, {
      deliver: (data) => (started ? ee.emit('message', { data, ports: [] }) : queued.push(data)),
      end,
    });
    return {
      postMessage: (m) => !closed && send({ kind: 'port', id, data: m }),
      on(ev, l) {
        ee.on(ev, l);
        return this;
      },
      once(ev, l) {
        ee.once(ev, l);
        return this;
      },
      start() {
        if (started) return;
        started = true;
        for (const data of queued.splice(0)) ee.emit('message', { data, ports: [] });
      },
      close() {
        if (closed) return;
        send({ kind: 'port-close', id });
        end();
      },
    };
  }

  const parent = new EventEmitter();
  const pending = [];
  parent.postMessage = (m) => send({ kind: 'control', data: m });
  parent.on('newListener', (ev) => {
    if (ev !== 'message') return;
    // Deliver what waited, after the listener is in place (as Electron does on a later turn).
    setImmediate(() => {
      for (const e of pending.splice(0)) parent.emit('message', e);
    });
  });

  process.on('message', (m) => {
    if (m.kind === 'control') {
      const e = { data: m.data, ports: (m.ports ?? []).map(portMain) };
      if (parent.listenerCount('message') > 0 && pending.length === 0) parent.emit('message', e);
      else pending.push(e);
    } else if (m.kind === 'port') ports.get(m.id)?.deliver(m.data);
    else if (m.kind === 'port-close') ports.get(m.id)?.end();
  });
  // The IPC channel keeps the process alive, as a utility process lives until it exits or main kills it;
  // and it ends with its parent, as a utility process ends with Electron's main process.
  process.once('disconnect', () => exit(137));

  Object.defineProperty(process, 'parentPort', { value: parent, enumerable: false });
}
