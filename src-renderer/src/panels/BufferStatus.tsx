// Per ring buffer: fill, events written, rate with its recent history,
// deadtime; per function: its threads' states and any failure in plain words.
import { describeFunctionError } from '../../../src-shared/bridge/describe';
import { isActive } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { formatCount, formatPercent, formatRate } from '../format';
import { Sparkline } from './Sparkline';
import { FunctionAlerts } from './FunctionAlerts';

const INSTANCE_WORDS: Record<string, string> = { starting: 'starting', running: 'running', ended: 'finished', failed: 'failed' };

export function BufferStatus() {
  const status = useApp((s) => s.status);
  const setupBuffers = useApp((s) => s.setup?.buffers);
  const history = useApp((s) => s.rateHistory);
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
              <th scope="col">Fill</th>
              <th scope="col">Written</th>
              <th scope="col">Rate</th>
              <th scope="col">Deadtime</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => {
              const fill = b.slots > 0 ? b.filled / b.slots : 0;
              return (
                <tr key={b.name} data-buffer={b.name} data-written={b.written} data-rate={active ? b.rate : 0}>
                  <th scope="row">{b.name}</th>
                  <td>
                    <div className="fill-bar" role="meter" aria-label={`${b.name} fill`} aria-valuemin={0} aria-valuemax={b.slots} aria-valuenow={b.filled} title={`${b.filled} of ${b.slots} slots in use`}>
                      <div className={`fill ${fill > 0.9 ? 'full' : fill > 0.6 ? 'high' : ''}`} style={{ width: `${(fill * 100).toFixed(1)}%` }} />
                    </div>
                  </td>
                  <td className="num">{formatCount(b.written)}</td>
                  <td className="num rate">
                    <span>{active ? formatRate(b.rate) : '–'}</span>
                    <Sparkline values={history[b.name] ?? []} />
                  </td>
                  <td
                    className="num"
                    title={active ? `mean over the run: ${formatPercent(b.deadtime_mean)}` : 'mean over the run'}
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
                    <strong>{f.name}</strong> <span className="muted">{f.fkt_name}</span>
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
