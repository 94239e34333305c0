// One serial port kept open for a run: bytes go through a decoder into a queue
// of records that the source takes one at a time. An unplugged device is
// noticed (serialport's disconnect), shown as 'disconnected', and reopened with
// backoff until it is back or the run stops. close() always closes the port.
// By default the port itself lives in a child process (serial-host.ts explains why).
import { describeOpenError } from './errors';
import { SerialHost } from './serial-host';
import type { Decoder } from './lines';
import type { SerialPortLike, PortProvider, SerialSettings } from './port';
import { availablePaths } from './ports';

export type PortState = 'idle' | 'connected' | 'disconnected' | 'closed';

export interface ConnectionOptions<R> {
  settings: SerialSettings;
  decoder: Decoder<R>;
  provider?: PortProvider;
  /** Backoff between reopen attempts: first delay, doubling up to max (ms). */
  retryMs?: { first: number; max: number };
  /** Quiet time after which a frame waiting for the next sync word is accepted (ms). */
  quietMs?: number;
  /** Records held before the oldest are dropped (counted). */
  maxQueue?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called on every state change (connected, disconnected, closed). */
  onState?: (state: PortState) => void;
  /** Builds the message for an open error (default: describeOpenError with the ports found). */
  describeError?: (path: string, err: unknown) => Promise<string>;
}

async function describeWith(provider: PortProvider, path: string, err: unknown): Promise<string> {
  let available: string[] = [];
  try {
    const list = provider.list;
    available = await availablePaths(
      list
        ? {
            list: async () => {
              const r = await list.call(provider);
              if ('error' in r) throw Object.assign(new Error(r.error), { code: r.code ?? undefined });
              return r.ports;
            },
          }
        : {},
    );
  } catch {
    // Listing is only a hint in the message.
  }
  return describeOpenError(path, err, { available });
}

/** Thrown by open() when the port cannot be opened; the message names the port and what to do. */
export class SerialOpenError extends Error {
  override name = 'SerialOpenError';
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** A serial port that decodes records and reconnects by itself. */
export class SerialConnection<R> {
  private _state: PortState = 'idle';
  private port: SerialPortLike | null = null;
  private queue: R[] = [];
  private times: number[] = [];
  private head = 0;
  private waiter: ((r: R | null) => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private delay: number;
  private opening: Promise<void> | null = null;
  private closing = false;
  private readonly provider: PortProvider;
  private readonly retry: { first: number; max: number };
  private readonly quietMs: number;
  private readonly maxQueue: number;
  private readonly log: NonNullable<ConnectionOptions<R>['log']>;
  private readonly describe: NonNullable<ConnectionOptions<R>['describeError']>;
  private readonly emit = (r: R) => this.enqueue(r);
  /** Successful reopenings after a disconnect. */
  reconnects = 0;
  /** Times the device went away. */
  disconnects = 0;
  /** When the bytes of the record last returned by next() arrived (ms since the epoch). */
  lastArrival = 0;
  /** Records dropped because the queue was full. */
  dropped = 0;
  /** Why the last reopen attempt failed (while disconnected). */
  lastOpenError = '';

  constructor(private readonly options: ConnectionOptions<R>) {
    this.provider = options.provider ?? new SerialHost((m) => this.log('warn', m));
    this.retry = options.retryMs ?? { first: 200, max: 2000 };
    this.delay = this.retry.first;
    this.quietMs = options.quietMs ?? 50;
    this.maxQueue = options.maxQueue ?? 100_000;
    this.log = options.log ?? (() => {});
    this.describe = options.describeError ?? ((path, err) => describeWith(this.provider, path, err));
  }

  get state(): PortState {
    return this._state;
  }

  get decoder(): Decoder<R> {
    return this.options.decoder;
  }

  /** Records decoded but not yet taken. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Opens the port for the first time; rejects with a SerialOpenError naming the port and the reason. */
  async open(): Promise<void> {
    if (this._state !== 'idle') throw new Error(`serial connection already ${this._state}`);
    try {
      await this.attempt();
    } catch (err) {
      throw new SerialOpenError(await this.describe(this.options.settings.path, err), err);
    }
  }

  /** The next record: at once when one is queued, else a promise; null once closed or when signal aborts. */
  next(signal?: AbortSignal): R | null | Promise<R | null> {
    if (this.head < this.queue.length) return this.take();
    if (this._state === 'closed' || signal?.aborted) return null;
    return new Promise<R | null>((resolve) => {
      const onAbort = () => {
        this.waiter = null;
        resolve(null);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (r) => {
        signal?.removeEventListener('abort', onAbort);
        this.lastArrival = Date.now();
        this.waiter = null;
        resolve(r);
      };
    });
  }

  /** Stops reconnecting and closes the port; resolves once it is really closed. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closing) {
      if (this.opening) await this.opening.catch(() => {});
      return;
    }
    this.closing = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.retryTimer = this.quietTimer = null;
    if (this.opening) await this.opening.catch(() => {});
    const port = this.port;
    this.port = null;
    if (port) await closePort(port);
    await this.provider.dispose?.();
    this.setState('closed');
    this.waiter?.(null);
  }

  private take(): R {
    this.lastArrival = this.times[this.head];
    const r = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return r;
  }

  private enqueue(r: R): void {
    if (this.waiter) {
      this.waiter(r);
      return;
    }
    if (this.queued >= this.maxQueue) {
      this.head++;
      this.dropped++;
    }
    this.queue.push(r);
    this.times.push(Date.now());
  }

  private setState(s: PortState): void {
    if (this._state === s) return;
    this._state = s;
    this.options.onState?.(s);
  }

  /** One open attempt; on success the port is wired and the state is 'connected'. */
  private attempt(): Promise<void> {
    const run = async () => {
      const port = await this.provider.create(this.options.settings);
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      if (this.closing) {
        await closePort(port);
        return;
      }
      this.port = port;
      port.on('data', (chunk) => this.onData(chunk));
      port.on('error', (err) => this.log('warn', `serial port ${this.options.settings.path}: ${err.message}`));
      port.on('close', (err) => {
        if (this.port !== port) return;
        this.port = null;
        port.removeAllListeners();
        if (!this.closing) this.lost(err?.message ?? 'the port closed');
      });
      this.delay = this.retry.first;
      this.lastOpenError = '';
      this.setState('connected');
    };
    this.opening = run().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private onData(chunk: Uint8Array): void {
    const d = this.options.decoder;
    d.push(chunk, this.emit);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    if (d.hasPending) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = null;
        d.flush(this.emit);
      }, this.quietMs);
    }
  }

  private lost(why: string): void {
    this.disconnects++;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    const d = this.options.decoder;
    d.flush(this.emit);
    d.reset();
    this.log('warn', `serial port ${this.options.settings.path} disconnected (${why}); reconnecting`);
    this.setState('disconnected');
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closing) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closing) return;
      this.attempt().then(
        () => {
          if (this.closing || !this.port) return;
          this.reconnects++;
          this.log('info', `serial port ${this.options.settings.path} reconnected`);
        },
        (err) => {
          this.lastOpenError = describeOpenError(this.options.settings.path, err);
          this.delay = Math.min(this.retry.max, this.delay * 2);
          this.scheduleReopen();
        },
      );
    }, this.delay);
  }
}

/** Closes a port, ignoring "not open"; never rejects. */
function closePort(port: SerialPortLike): Promise<void> {
  return new Promise<void>((resolve) => {
    port.removeAllListeners();
    // A close error leaves nothing to do: the handle is gone either way.
    port.on('error', () => {});
    if (!port.isOpen) return resolve();
    try {
      port.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
