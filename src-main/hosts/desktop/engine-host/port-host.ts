// A bridge client on a message port: the MessagePort counterpart of browser
// mode's WebSocket connection (src-main/hosts/web/server.ts). Same contract, same
// codec: commands arrive as JSON text and are checked by decodeCommand (the
// page is not trusted more than a browser tab), events leave as JSON text or
// binary snapshot frames. Flow control is the session's snapshot window
// (SNAPSHOT_WINDOW, acknowledged by the client): a port has no send buffer to
// inspect, so it never reports itself congested.
import { BridgeDecodeError, decodeCommand, encodeEvent, requestIdOf } from '../../../../src-shared/bridge/codec';
import type { Session } from '../../../session/session';
import type { PortLike } from './ports';

/** Attaches the client at the other end of `port` to the host; returns the detach function. */
export function attachPort(host: Session, port: PortLike): () => void {
  let open = true;
  const attachment = host.attach({
    send(ev) {
      if (open) port.post(encodeEvent(ev));
    },
    congested: () => false,
  });
  const detach = () => {
    if (!open) return;
    open = false;
    attachment.detach();
  };
  port.onMessage((data) => {
    if (!open) return;
    if (typeof data !== 'string') {
      port.post(JSON.stringify({ type: 'error', message: 'Commands are JSON text; other messages are not accepted.' }));
      return;
    }
    let cmd;
    try {
      cmd = decodeCommand(data);
    } catch (err) {
      const message = err instanceof BridgeDecodeError ? `Bad command: ${err.message}` : String(err);
      // A request is answered by its ack (the window waits for it), anything else by an error.
      const req = requestIdOf(data);
      port.post(JSON.stringify(req !== undefined ? { type: 'ack', req, ok: false, message } : { type: 'error', message }));
      return;
    }
    void attachment.handle(cmd);
  });
  port.onClose(detach);
  port.start();
  return () => {
    detach();
    port.close();
  };
}
