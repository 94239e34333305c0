import { describe, expect, it } from 'vitest';
import { MemoryBridge } from '../../../test/support/renderer/memory-bridge';
import { webSocketUrl } from './WebSocketBridge';

describe('bridge requests', () => {
  it('resolve on an ok ack and reject with the host message otherwise', async () => {
    const b = new MemoryBridge();
    await expect(b.request({ type: 'pause' })).resolves.toBeUndefined();
    b.answer = () => ({ ok: false, message: 'Cannot pause: no run is in progress.' });
    await expect(b.request({ type: 'pause' })).rejects.toThrow('Cannot pause: no run is in progress.');
    expect(b.sent.map((c) => 'req' in c && c.req)).toEqual([1, 2]);
  });

  it('fail when not connected, and when the connection drops while waiting', async () => {
    const b = new MemoryBridge('connecting');
    await expect(b.request({ type: 'stop' })).rejects.toThrow('Not connected');
    b.connect('open');
    b.answer = () => null; // the host never answers
    const p = b.request({ type: 'stop' });
    b.connect('closed', 'server went away');
    await expect(p).rejects.toThrow('The connection to RingScope was lost.');
  });

  it('drop fire-and-forget commands while disconnected', () => {
    const b = new MemoryBridge('closed');
    b.send({ type: 'snapshot_ack', count: 1 });
    expect(b.sent).toEqual([]);
  });
});

describe('webSocketUrl', () => {
  it('targets /ws on the page host and carries the access token', () => {
    expect(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8170', search: '' })).toBe('ws://127.0.0.1:8170/ws');
    expect(webSocketUrl({ protocol: 'https:', host: 'lab:443', search: '?token=a+b/c' })).toBe('wss://lab:443/ws?token=a%20b%2Fc');
  });
});
