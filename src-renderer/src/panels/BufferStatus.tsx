// Per ring buffer: fill, events written, rate with its recent history,
// deadtime; per function: its threads' states and any failure in plain words.
import { describeFunctionError } from '../../../src-shared/bridge/describe';
import { isActive } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { formatCompact, formatCount, formatPercent, formatRate } from '../format';
import { Sparkline } from './Sparkline';
import { FunctionAlerts } from './FunctionAlerts';

const FILL_HELP =
  'How full the buffer is. A full buffer is normal for a source that runs as fast as it can: the writer then waits for the readers (that wait is its deadtime).';
const DEADTIME_HELP = 'The share of time the writers waited for a free slot: events that arrive then are not recorded. High deadtime means the readers are too slow.';

/**
 * The fill bar's colour: neutral however full the buffer is, since a full buffer is how a fast
 * source meets its readers; amber when the writer loses time to it (deadtime above 10 %).
 */
export function fillClass(fill: number, deadtime: number): string {
  return fill > 0.9 && deadtime > 0.1 ? 'high' : '';
}

function describeBuffer(name: string, buffers: { name: string; samples: number; fields: unknown[]; description?: string }[] | undefined): string {
  const b = buffers?.find((x) => x.name === name);
  if (!b) return name;
  const shape = `${b.fields.length} field(s) × ${b.samples} value(s) per event`;
  return b.description ? `${b.description} (${shape})` : shape;
}

const INSTANCE_WORDS: Record<string, string> = { starting: 'starting', running: 'running', ended: 'finished', failed: 'failed' };

export function BufferStatus() {
  const status = useApp((s) => s.status);
  const setupBuffers = useApp((s) => s.setup?.buffers);
  const history = useApp((s) => s.rateHistory);
  const rates = useApp((s) => s.rates);
  const functionInfo = useApp((s) => s.setup?.functions);
  const descriptions: Record<string, string | undefined> = Object.fromEntries((setupBuffers ?? []).map((b) => [b.name, b.description]));
  // Between runs the last interval's rate and deadtime mean nothing: show no rate and the run's mean deadtime.
  const active = isActive(status?.state);

  // Before the first report, list the setup's buffers empty.
  const rows =
    status?.buffers ??
    (setupBuffers ?? []).map((b) => ({ name: b.name, slots: b.slots, written: 0, filled: 0, rate: 0, deadtime: 0, deadtime_mean: 0, released: {} }));

  return (
    <section className="panel buffer-status" aria-label="Buffers">
      <h2>Buffers</h2>
      {rows.length === 0 ? (
        <p className="hint">{setupBuffers ? 'No buffers: the setup did not load.' : 'No setup loaded.'}</p>
      ) : (
        <table className="buffers">
          <thead>
            <tr>
              <th scope="col">Buffer</th>
              <th scope="col" title={FILL_HELP}>Fill</th>
              <th scope="col" title="Events written into the buffer this run">Written</th>
              <th scope="col" title="Events written per second (last second; the line: the last minute)">Rate</th>
              <th scope="col" title={DEADTIME_HELP}>Deadtime</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => {
              const fill = b.slots > 0 ? b.filled / b.slots : 0;
              return (
                <tr key={b.name} data-buffer={b.name} data-written={b.written} data-rate={active ? (rates[b.name] ?? b.rate) : 0}>
                  <th scope="row" title={describeBuffer(b.name, setupBuffers)}>
                    {b.name}
                    {descriptions[b.name] && <span className="buffer-description">{descriptions[b.name]}</span>}
                  </th>
                  <td>
                    <div className="fill-bar" role="meter" aria-label={`${b.name} fill`} aria-valuemin={0} aria-valuemax={b.slots} aria-valuenow={b.filled} title={`${b.filled} of ${b.slots} slots hold events not yet read by every reader. ${FILL_HELP}`}>
                      <div className={`fill ${fillClass(fill, active ? b.deadtime : 0)}`} style={{ width: `${(fill * 100).toFixed(1)}%` }} />
                    </div>
                  </td>
                  <td className="num" title={`${formatCount(b.written)} events`}>{formatCompact(b.written)}</td>
                  <td className="num rate">
                    <span>{active ? formatRate(rates[b.name] ?? b.rate) : '–'}</span>
                    <Sparkline values={history[b.name] ?? []} />
                  </td>
                  <td
                    className="num"
                    title={`${active ? `mean over the run: ${formatPercent(b.deadtime_mean)}` : 'mean over the run'}. ${DEADTIME_HELP}`}
                  >
                    {formatPercent(active ? b.deadtime : b.deadtime_mean)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {status && status.functions.length > 0 && (
        <>
          <h3>Functions</h3>
          <ul className="functions">
            {status.functions.map((f) => {
              const failed = f.instances.filter((i) => i.state === 'failed').length;
              return (
                <li key={f.name} className={failed ? 'failed' : ''} data-function={f.name}>
                  <div className="function-head">
                    <strong>{f.name}</strong> <span className="muted">{functionInfo?.find((x) => x.name === f.name)?.description ?? f.fkt_name}</span>
                    <span className="instances">
                      {f.instances.map((i) => (
                        <span
                          key={i.instance}
                          className={`instance instance-${i.state}`}
                          title={`thread ${i.instance + 1}: ${INSTANCE_WORDS[i.state] ?? i.state}, ${formatCount(i.events_in)} events in${i.failed_events ? `, ${i.failed_events} failed` : ''}`}
                          data-state={i.state}
                        >
                          {INSTANCE_WORDS[i.state] ?? i.state}
                        </span>
                      ))}
                    </span>
                  </div>
                  <FunctionAlerts fn={f} />
                  {f.errors.map((e, k) => (
                    <p key={k} className="function-error" role="alert">
                      {describeFunctionError(e)}
                    </p>
                  ))}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
