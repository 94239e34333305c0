// The UIs attached to a session, as it sees them: each client's transport,
// which buffer it watches and at what rate, how many snapshots it has not yet
// acknowledged, the histograms and strip chart it asked for (which go to
// that client only), and its inbox of commands.
import type { Command, HistogramRequest, HostEvent } from '../../src-shared/bridge/protocol';
import type { EngineHandle, HistogramSubscription, Unsubscribe } from '../engine/api';

/** One connected UI, as the session sees it. */
export interface SessionClient {
  send(ev: HostEvent): void;
  /** True while the transport cannot take more right now: snapshots for it are dropped. */
  congested(): boolean;
}

/** The handle an attached client's transport uses. */
export interface Attachment {
  handle(cmd: Command): Promise<void>;
  detach(): void;
}

export interface ClientState {
  client: SessionClient;
  buffer: string | null;
  hz: number;
  inFlight: number;
  lastSent: number;
  /** Histograms this client watches, by its own ids. */
  histograms: Map<string, HistogramSubscription>;
  strip: Unsubscribe | null;
}

/** A newly attached client: no buffer watched yet, at the session's highest rate. */
export function newClientState(client: SessionClient, hz: number): ClientState {
  return { client, buffer: null, hz, inFlight: 0, lastSent: -Infinity, histograms: new Map(), strip: null };
}

/** A client's histogram `id`: created, changed or (spec null) removed; updates go to that client only. */
export function setHistogram(st: ClientState, engine: () => EngineHandle, id: string, spec: HistogramRequest | null): void {
  const existing = st.histograms.get(id);
  if (spec === null) {
    existing?.close();
    st.histograms.delete(id);
    return;
  }
  const e = engine();
  if (!e.histogram) throw new Error('This engine does not make histograms.');
  if (existing) existing.set(spec);
  else st.histograms.set(id, e.histogram(spec, (h) => st.client.send({ type: 'histogram', histogram: { ...h, id } })));
}

/** A client's strip chart: the buffer's (named) fields, or none for buffer null. */
export function setStrip(st: ClientState, engine: () => EngineHandle, buffer: string | null, fields: string[] | null): void {
  if (st.strip) safely(st.strip);
  st.strip = null;
  if (buffer === null) return;
  const e = engine();
  if (!e.strip) throw new Error('This engine does not make strip charts.');
  st.strip = e.strip(buffer, fields, (strip) => st.client.send({ type: 'strip', strip }));
}

/** Ends a client's histograms and strip chart (they belong to the engine that made them). */
export function dropAnalysis(st: ClientState): void {
  for (const h of st.histograms.values()) safely(() => h.close());
  st.histograms.clear();
  if (st.strip) safely(st.strip);
  st.strip = null;
}

/** Runs an unsubscribe that must not throw. */
export function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // an unsubscribe that fails leaves nothing to clean up
  }
}

/** Most commands one client may have waiting; more are refused at once. */
export const MAX_WAITING_COMMANDS = 1000;

/**
 * One client's commands, handled one at a time in arrival order, each in a turn
 * of the event loop of its own: a client that sends thousands at once cannot
 * hold up the others (their commands, new pages' greetings, signals).
 */
export class CommandInbox {
  private readonly waiting: { cmd: Command; done: () => void }[] = [];
  private running = false;
  private closed = false;

  constructor(
    private readonly run: (cmd: Command) => Promise<void>,
    private readonly refuse: (cmd: Command, message: string) => void,
  ) {}

  /** Queues a command; resolves once it has been handled (at once when refused or closed). */
  push(cmd: Command): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.waiting.length >= MAX_WAITING_COMMANDS) {
      this.refuse(cmd, `Too many commands at once (${MAX_WAITING_COMMANDS} are waiting); wait for their answers.`);
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      this.waiting.push({ cmd, done });
      if (!this.running) void this.pump();
    });
  }

  /** Drops what is still waiting (the client has gone). */
  close(): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.done();
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      await new Promise<void>((r) => setImmediate(r));
      const next = this.waiting.shift();
      if (!next) break;
      try {
        await this.run(next.cmd);
      } finally {
        next.done();
      }
    }
    this.running = false;
  }
}
