// A bridge for unit tests: records commands, lets the test play the host.
import type { Command, HostEvent } from '../../../src-shared/bridge/protocol';
import { BaseBridge, type ConnectionState } from '../../../src-renderer/src/bridge/Bridge';

export class MemoryBridge extends BaseBridge {
  readonly kind = 'memory' as const;
  readonly sent: Command[] = [];
  /** Answers each request with this (default: ok). */
  answer: (cmd: Command) => { ok: boolean; message?: string } | null = () => ({ ok: true });

  constructor(state: ConnectionState = 'open') {
    super();
    this.connection = state;
  }

  protected transmit(cmd: Command): void {
    this.sent.push(cmd);
    const req = 'req' in cmd ? cmd.req : undefined;
    if (req === undefined) return;
    const a = this.answer(cmd);
    if (a) queueMicrotask(() => this.emit({ type: 'ack', req, ...a }));
  }

  /** Delivers an event as if the host sent it. */
  emit(ev: HostEvent): void {
    this.receive(ev);
  }

  /** Changes the connection state as the transport would. */
  connect(state: ConnectionState, detail?: string): void {
    this.setConnection(state, detail);
  }

  /** Commands sent of one type. */
  of<T extends Command['type']>(type: T): Extract<Command, { type: T }>[] {
    return this.sent.filter((c): c is Extract<Command, { type: T }> => c.type === type);
  }

  close(): void {
    this.setConnection('closed');
  }
}
