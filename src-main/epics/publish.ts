// Publishes a running engine's live values as Channel Access PVs, as the
// setup's `epics:` section says: buffer health, the run state, a command PV,
// fields of the newest event of observed buffers, and writable parameters.
import type { EngineHandle, EventSnapshot, StartOptions, Unsubscribe } from '../engine/api';
import type { BufferStatus, RunState, StatusReport } from '../../src-shared/engine/status';
import {
  DEFAULT_EPICS_PORT,
  EPICS_COMMANDS,
  EPICS_RUN_STATES,
  type EpicsConfig,
  type EpicsFieldPv,
  type EpicsParamPv,
  parseEpicsSection,
} from '../../src-shared/setup/epics-schema';
import { CaRepeater } from './repeater';
import { CaServer, type CaLogLevel } from './server';
import type { Pv, PvInput } from './pv';

export type EpicsLog = (level: CaLogLevel, message: string) => void;

export interface AttachEpicsOptions {
  log?: EpicsLog;
  /** Environment for EPICS_CA_SERVER_PORT and the beacon variables (default process.env). */
  env?: Record<string, string | undefined>;
  /** The setup's functions with their resolved parameters (LoadedSetup.functions): initial values of parameter PVs, and names to check. */
  functions?: Record<string, { fkt_name?: string; config: Record<string, unknown> }>;
  /** Address to bind (default all interfaces). */
  interface?: string;
  /** Overrides EPICS_CA_SERVER_PORT and the setup's port (0 = any free port; tests and benchmarks). */
  port?: number;
  /** What a `start` written to <prefix>CMD passes to engine.start (the host's --events/--output overrides). */
  startOptions?: StartOptions;
}

export interface EpicsHandle {
  readonly server: CaServer;
  readonly port: number;
  /** Every PV name served. */
  readonly pvNames: string[];
  /** Stops publishing and closes the server (and the repeater this handle started). */
  stop(): Promise<void>;
}

/** The port: EPICS_CA_SERVER_PORT when set, else the setup's, else 5064. */
export function epicsPort(config: Pick<EpicsConfig, 'port'>, env: Record<string, string | undefined> = process.env): number {
  const fromEnv = Number(env.EPICS_CA_SERVER_PORT);
  if (env.EPICS_CA_SERVER_PORT?.trim() && Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536) return fromEnv;
  return config.port ?? DEFAULT_EPICS_PORT;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Seconds or milliseconds since the Unix epoch (told apart by size) → Date. */
function toDate(t: number): Date {
  return new Date(Math.abs(t) > 1e11 ? t : t * 1000);
}

/** Like C's ctime() without the newline: "Mon Nov  4 10:13:01 2025", local time. */
export function ctime(t: number): string {
  const d = toDate(t);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

function fieldValue(snap: EventSnapshot, spec: EpicsFieldPv, count: number): PvInput | undefined {
  let values: ArrayLike<number | bigint>;
  if (spec.field in snap.fields) values = snap.fields[spec.field];
  else if (spec.field === 'counter') values = [snap.counter];
  else if (spec.field === 'timestamp') values = [snap.timestamp];
  else if (spec.field === 'deadtime') values = [snap.deadtime];
  else return undefined;
  if (spec.index !== undefined || count === 1) {
    const x = values[spec.index ?? 0];
    if (x === undefined) return undefined;
    if (spec.type === 'string' && spec.format) {
      const n = Number(x);
      return spec.format === 'ctime' ? ctime(n) : toDate(n).toISOString();
    }
    return x;
  }
  return values;
}

/**
 * Serves the PVs of an (already validated or raw) `epics:` section for one
 * engine. Rejects when the section has errors or the port is taken; the
 * message says which. Uses only the EngineHandle interface.
 */
export async function attachEpics(engine: EngineHandle, epicsConfig: EpicsConfig | Record<string, unknown>, options: AttachEpicsOptions = {}): Promise<EpicsHandle> {
  const log: EpicsLog = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const buffers = engine.buffers();
  let config: EpicsConfig;
  if (isParsed(epicsConfig)) config = epicsConfig;
  else {
    const parsed = parseEpicsSection(epicsConfig, { buffers, functions: functionList(options.functions) });
    if (!parsed.config) throw new Error(`the epics section has errors:\n${parsed.problems.filter((p) => p.severity === 'error').map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    config = parsed.config;
  }
  const prefix = config.prefix;
  const server = new CaServer({ monitorRate: config.rate, log, env });
  const cleanups: Unsubscribe[] = [];

  // ---------------------------------------------------------- run state and buffer health
  if (config.status) {
    const statePv = server.addPv({ name: `${prefix}STATE`, type: 'enum', enumStrings: EPICS_RUN_STATES, value: engine.state });
    const bufferPvs = new Map<string, { rate: Pv; events: Pv; fill: Pv; dead: Pv }>();
    for (const b of buffers) {
      const n = `${prefix}${b.name}:`;
      bufferPvs.set(b.name, {
        rate: server.addPv({ name: `${n}RATE`, type: 'double', units: 'Hz', precision: 1, value: 0 }),
        events: server.addPv({ name: `${n}EVENTS`, type: 'double', precision: 0, value: 0 }),
        fill: server.addPv({ name: `${n}FILL`, type: 'double', units: '%', precision: 1, limits: { display: { low: 0, high: 100 } }, value: 0 }),
        dead: server.addPv({ name: `${n}DEADTIME`, type: 'double', units: '%', precision: 2, limits: { display: { low: 0, high: 100 } }, value: 0 }),
      });
    }
    const showBuffer = (b: BufferStatus): void => {
      const pvs = bufferPvs.get(b.name);
      if (!pvs) return;
      pvs.rate.set(b.rate);
      pvs.events.set(b.written);
      pvs.fill.set(b.slots > 0 ? (100 * b.filled) / b.slots : 0);
      pvs.dead.set(100 * b.deadtime);
    };
    const showStatus = (s: StatusReport): void => {
      statePv.set(s.state);
      for (const b of s.buffers) showBuffer(b);
    };
    try {
      showStatus(engine.status());
    } catch {
      // No report before the first run: the initial values stand.
    }
    cleanups.push(engine.on('status', showStatus));
    cleanups.push(engine.on('state', (s: RunState) => statePv.set(s)));
  }

  // ---------------------------------------------------------- commands
  if (config.commands) {
    server.addPv({
      name: `${prefix}CMD`,
      type: 'enum',
      enumStrings: EPICS_COMMANDS,
      value: 'none',
      writable: true,
      onWrite: async (v) => {
        const cmd = EPICS_COMMANDS[v as number];
        log('info', `EPICS: ${prefix}CMD ${cmd}`);
        try {
          switch (cmd) {
            case 'start':
              await engine.start(options.startOptions);
              return;
            case 'pause':
              engine.pause();
              return;
            case 'resume':
              engine.resume();
              return;
            case 'stop':
              // Draining may take long; the put completes now and the run ends on its own.
              engine.stop().catch((e: unknown) => log('error', `EPICS: stop failed: ${e instanceof Error ? e.message : String(e)}`));
              return;
            default:
              return;
          }
        } catch (e) {
          return `${cmd} refused: ${e instanceof Error ? e.message : String(e)}`;
        }
      },
    });
  }

  // ---------------------------------------------------------- fields of observed buffers
  const byBuffer = new Map<string, { spec: EpicsFieldPv; pv: Pv }[]>();
  for (const spec of config.pvs) {
    if (spec.kind !== 'field') continue;
    const info = buffers.find((b) => b.name === spec.buffer);
    if (!info) throw new Error(`epics PV ${spec.name}: no buffer "${spec.buffer}" (buffers: ${buffers.map((b) => b.name).join(', ')})`);
    const isMeta = !info.fields.some((f) => f.name === spec.field);
    const count = spec.index !== undefined || isMeta ? 1 : info.samples;
    const pv = server.addPv({
      name: prefix + spec.name,
      type: spec.type,
      count,
      units: spec.units,
      precision: spec.precision,
      limits: spec.limits,
      enumStrings: spec.enum_strings,
      rate: spec.rate,
    });
    const list = byBuffer.get(spec.buffer) ?? [];
    list.push({ spec, pv });
    byBuffer.set(spec.buffer, list);
  }
  for (const [buffer, list] of byBuffer) {
    const rates = list.map((x) => x.spec.rate ?? config.rate).filter((r) => r > 0);
    // Snapshots no faster than the fastest PV wants them (at most 30 Hz, as the UI).
    const hz = Math.min(30, rates.length ? Math.max(...rates) : 30);
    cleanups.push(
      engine.observe(buffer, hz, (snap) => {
        for (const { spec, pv } of list) {
          try {
            const v = fieldValue(snap, spec, pv.meta.maxCount);
            if (v !== undefined) pv.set(v, snap.timestamp);
          } catch (e) {
            log('warn', `EPICS: ${pv.name}: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      }),
    );
  }

  // ---------------------------------------------------------- writable parameters
  for (const spec of config.pvs) {
    if (spec.kind !== 'param') continue;
    server.addPv(paramPv(engine, spec, prefix, options.functions, log));
  }

  let port: number;
  try {
    ({ port } = await server.start({ port: options.port ?? epicsPort(config, env), interface: options.interface }));
  } catch (e) {
    for (const c of cleanups) c();
    throw e;
  }
  const pvNames = server.pvs().map((p) => p.name);
  let stopped = false;
  return {
    server,
    port,
    pvNames,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of cleanups) c();
      await server.stop();
      for (const p of server.pvs()) p.dispose();
    },
  };
}

function paramPv(engine: EngineHandle, spec: EpicsParamPv, prefix: string, functions: AttachEpicsOptions['functions'], log: EpicsLog) {
  const fn = functions?.[spec.function] ?? Object.values(functions ?? {}).find((f) => f.fkt_name === spec.function);
  const configured = fn?.config[spec.param];
  const initial = spec.value ?? (typeof configured === 'number' || typeof configured === 'string' || typeof configured === 'boolean' ? configured : undefined);
  return {
    name: prefix + spec.name,
    type: spec.type,
    units: spec.units,
    precision: spec.precision,
    limits: spec.limits,
    enumStrings: spec.enum_strings,
    rate: spec.rate,
    value: initial,
    writable: true,
    onWrite: (v: unknown): string | void => {
      try {
        engine.setParam(spec.function, spec.param, v);
        log('info', `EPICS: ${prefix}${spec.name} = ${JSON.stringify(v)} → ${spec.function}.${spec.param}`);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  } as const;
}

function functionList(functions: AttachEpicsOptions['functions']): { name: string; fkt_name?: string }[] | undefined {
  return functions ? Object.entries(functions).map(([name, f]) => ({ name, fkt_name: f.fkt_name })) : undefined;
}

function isParsed(c: EpicsConfig | Record<string, unknown>): c is EpicsConfig {
  return Array.isArray(c.pvs) && c.pvs.every((p) => typeof p === 'object' && p !== null && 'kind' in p) && typeof c.rate === 'number' && typeof c.enabled === 'boolean';
}

/**
 * The hook for hosts (`ringscope run`, the app, web mode): when the setup's
 * `epics:` section enables it, starts a CA server for this engine (and a CA
 * repeater if the section wants one and none runs). Returns null when EPICS is
 * off or cannot start; every reason goes to `log`, nothing throws.
 */
export async function maybeStartEpics(
  engine: EngineHandle,
  setupEpicsSection: unknown,
  log: EpicsLog,
  options: Omit<AttachEpicsOptions, 'log'> = {},
): Promise<EpicsHandle | null> {
  if (setupEpicsSection === undefined || setupEpicsSection === null) return null;
  const parsed = parseEpicsSection(setupEpicsSection, { buffers: engine.buffers(), functions: functionList(options.functions) });
  for (const p of parsed.problems) if (p.severity !== 'note') log(p.severity === 'error' ? 'error' : 'warn', `EPICS: ${p.path}: ${p.message}`);
  if (!parsed.config) {
    log('error', 'EPICS: not started because the epics section has errors.');
    return null;
  }
  const config = parsed.config;
  if (!config.enabled) return null;
  const env = options.env ?? process.env;
  let repeater: CaRepeater | null = null;
  if (config.repeater) {
    const port = Number(env.EPICS_CA_REPEATER_PORT) || epicsPort(config, env) + 1;
    const r = new CaRepeater((level, message) => log(level, message));
    // A taken port means another repeater already serves this host.
    if (await r.start(port)) repeater = r;
  }
  try {
    const handle = await attachEpics(engine, config, { ...options, log });
    log('info', `EPICS: serving ${handle.pvNames.length} PVs on port ${handle.port}${config.prefix ? ` with prefix "${config.prefix}"` : ''}${repeater ? ' (and a CA repeater)' : ''}`);
    return {
      server: handle.server,
      port: handle.port,
      pvNames: handle.pvNames,
      async stop() {
        await handle.stop();
        await repeater?.stop();
      },
    };
  } catch (e) {
    await repeater?.stop();
    log('error', `EPICS: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
