// A serial port as the connection uses it: how to open it, the part of
// serialport's stream it needs, and who makes ports (the serial host process by
// default, a mock binding in tests).

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';

/** How to open the port. */
export interface SerialSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: Parity;
  stopBits: 1 | 1.5 | 2;
}

/** The part of serialport's SerialPortStream the connection uses. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'close', fn: (err?: Error & { disconnected?: boolean }) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
}

/** Makes unopened ports (autoOpen false): the serial host by default; tests pass one over a mock binding. */
export interface PortProvider {
  create(settings: SerialSettings): SerialPortLike | Promise<SerialPortLike>;
  /** Releases what the provider holds (the host process); called by close(). */
  dispose?(): Promise<void>;
  /** The ports the system lists (for "not found" messages). */
  list?(): Promise<{ ports: { path: string }[] } | { error: string; code: string | null }>;
}
