// Loaded with `node --import` before an entry that Electron would start with
// utilityProcess.fork: gives the process an Electron-shaped `process.parentPort`
// (Electron 45's docs: ParentPort and MessagePortMain) over Node's IPC channel
// to the test. What it reproduces of Electron, on purpose:
// - parentPort queues messages until a 'message' listener exists;
// - each message arrives as an event { data, ports };
// - transferred ports are MessagePortMain-shaped: postMessage, on('message') with
//   events { data, ports }, on('close'), start() (nothing is delivered before it), close().
// A transferred port is a relay: its other end lives in the test process, and
// messages travel over IPC ('advanced' serialization, so typed arrays stay typed).
import { EventEmitter } from 'node:events';
import { isMainThread, MessageChannel } from 'node:worker_threads';

// Worker threads inherit --import: they have no parentPort in Electron either.
if (isMainThread) install();

function install() {
  if (typeof process.send !== 'function') throw new Error('utility-preload: start this process with an IPC channel (fork)');

  /** A MessagePortMain-shaped end over a worker_threads port (the relay keeps the other end). */
  function portMain(port) {
    const ee = new EventEmitter();
    let started = false;
    let closed = false;
    const queued = [];
    port.on('message', (data) => (started ? ee.emit('message', { data, ports: [] }) : queued.push(data)));
    port.once('close', () => {
      if (closed) return;
      closed = true;
      ee.emit('close');
    });
    return {
      postMessage: (m) => port.postMessage(m),
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
      close: () => port.close(),
    };
  }

  const relays = new Map();
  function relay(id) {
    const { port1, port2 } = new MessageChannel();
    relays.set(id, port2);
    port2.on('message', (data) => process.send({ kind: 'port', id, data }));
    port2.once('close', () => {
      relays.delete(id);
      if (process.connected) process.send({ kind: 'port-close', id });
    });
    return portMain(port1);
  }

  const parent = new EventEmitter();
  const pending = [];
  parent.postMessage = (m) => process.send({ kind: 'control', data: m });
  parent.on('newListener', (ev) => {
    if (ev !== 'message') return;
    // Deliver what waited, after the listener is in place (as Electron does on a later turn).
    setImmediate(() => {
      for (const e of pending.splice(0)) parent.emit('message', e);
    });
  });

  process.on('message', (m) => {
    if (m.kind === 'control') {
      const e = { data: m.data, ports: (m.ports ?? []).map(relay) };
      if (parent.listenerCount('message') > 0 && pending.length === 0) parent.emit('message', e);
      else pending.push(e);
    } else if (m.kind === 'port') relays.get(m.id)?.postMessage(m.data);
    else if (m.kind === 'port-close') relays.get(m.id)?.close();
  });
  // The IPC channel keeps the process alive, as a utility process lives until it exits or main kills it;
  // and it ends with its parent, as a utility process ends with Electron's main process.
  process.once('disconnect', () => process.exit(137));

  Object.defineProperty(process, 'parentPort', { value: parent, enumerable: false });
}
