// What a Channel Access client or server reads from its environment, as libca
// reads it: address lists, ports, timeouts. One parser for both sides.
import os from 'node:os';
import { ipv4ToInt, intToIpv4 } from './protocol';

export interface CaAddress {
  host: string;
  port: number;
}

/** What the client takes from EPICS_CA_* variables (or the source's parameters). */
export interface CaClientConfig {
  serverPort: number;
  repeaterPort: number;
  /** Where UDP searches go: EPICS_CA_ADDR_LIST, plus broadcasts when EPICS_CA_AUTO_ADDR_LIST is not NO. */
  searchAddresses: CaAddress[];
  /** EPICS_CA_NAME_SERVERS: searched over TCP. */
  nameServers: CaAddress[];
  /** EPICS_CA_CONN_TMO in ms: a quiet circuit is probed with ECHO, and dropped when the probe goes unanswered. */
  connTimeoutMs: number;
  /** EPICS_CA_MAX_ARRAY_BYTES: a larger declared payload closes the circuit. */
  maxArrayBytes: number;
  /** EPICS_CA_MAX_SEARCH_PERIOD in ms: the slowest a missing PV is searched. */
  maxSearchPeriodMs: number;
}

/** Parses "host[:port] host[:port] …"; entries that are not IPv4 addresses with a valid port are left out. */
export function parseAddrList(text: string | undefined, defaultPort: number): CaAddress[] {
  const out: CaAddress[] = [];
  for (const entry of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const m = /^([^:\s]+)(?::(\d+))?$/.exec(entry);
    if (!m || ipv4ToInt(m[1]) === 0) continue;
    const port = m[2] ? Number(m[2]) : defaultPort;
    if (port > 0 && port < 65536) out.push({ host: m[1], port });
  }
  return out;
}

/** Every non-loopback IPv4 interface: its address and its broadcast address. */
export function interfaceBroadcasts(): { address: string; broadcast: string }[] {
  const out: { address: string; broadcast: string }[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4' || i.internal) continue;
      const a = ipv4ToInt(i.address);
      out.push({ address: i.address, broadcast: intToIpv4((a | ~ipv4ToInt(i.netmask)) >>> 0) });
    }
  }
  return out;
}

function port(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text?.trim() && Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}

function positive(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text?.trim() && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** True unless the variable says NO (libca's spelling; case does not matter). */
export function autoAddrList(text: string | undefined): boolean {
  return (text ?? 'YES').trim().toUpperCase() !== 'NO';
}

/** The client's configuration from an environment (process.env, or a source's parameters laid over it). */
export function clientConfig(env: Record<string, string | undefined>): CaClientConfig {
  const serverPort = port(env.EPICS_CA_SERVER_PORT, 5064);
  const searchAddresses = parseAddrList(env.EPICS_CA_ADDR_LIST, serverPort);
  if (autoAddrList(env.EPICS_CA_AUTO_ADDR_LIST)) {
    const bcasts = interfaceBroadcasts();
    // libca searches the loopback's broadcast when a host has no other interface.
    for (const b of bcasts.length ? bcasts : [{ broadcast: '127.255.255.255' }]) searchAddresses.push({ host: b.broadcast, port: serverPort });
  }
  return {
    serverPort,
    repeaterPort: port(env.EPICS_CA_REPEATER_PORT, serverPort + 1),
    searchAddresses,
    nameServers: parseAddrList(env.EPICS_CA_NAME_SERVERS, serverPort),
    connTimeoutMs: positive(env.EPICS_CA_CONN_TMO, 30) * 1000,
    maxArrayBytes: positive(env.EPICS_CA_MAX_ARRAY_BYTES, 16 * 1024 * 1024),
    maxSearchPeriodMs: Math.max(1, positive(env.EPICS_CA_MAX_SEARCH_PERIOD, 300)) * 1000,
  };
}
