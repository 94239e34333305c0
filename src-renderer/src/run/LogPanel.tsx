// The run log in the window (run.log's lines as they happen): level, time,
// source and message, newest at the bottom. It follows new lines unless the
// user scrolled up to read; a function's error keeps its stack trace as
// written, line by line. Levels can be filtered.
import { useLayoutEffect, useRef, useState } from 'react';
import type { LogLine } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';

const LEVELS: LogLine['level'][] = ['info', 'warn', 'error'];
const LEVEL_WORDS: Record<LogLine['level'], string> = { info: 'info', warn: 'warning', error: 'error' };

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** True when an element scrolled to (about) its bottom: new lines then keep it there. */
export function atBottom(el: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 24;
}

export function LogPanel() {
  const log = useApp((s) => s.log);
  const [shown, setShown] = useState<Record<LogLine['level'], boolean>>({ info: true, warn: true, error: true });
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [following, setFollowing] = useState(true);
  const lines = log.filter((l) => shown[l.level]);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, log]);

  const counts = { info: 0, warn: 0, error: 0 };
  for (const l of log) counts[l.level] += 1;

  return (
    <div className="log-panel">
      <div className="log-controls">
        <h2>Log</h2>
        {LEVELS.map((level) => (
          <label key={level} className={`log-level-toggle log-${level}`}>
            <input type="checkbox" checked={shown[level]} onChange={(e) => setShown({ ...shown, [level]: e.target.checked })} /> {LEVEL_WORDS[level]} ({counts[level]})
          </label>
        ))}
        {!following && (
          <button
            type="button"
            className="small"
            onClick={() => {
              follow.current = true;
              setFollowing(true);
              if (box.current) box.current.scrollTop = box.current.scrollHeight;
            }}
          >
            Follow new lines
          </button>
        )}
      </div>
      <div
        className="log-lines"
        ref={box}
        data-testid="log-lines"
        data-following={following}
        tabIndex={0}
        role="log"
        aria-label="Run log"
        onScroll={(e) => {
          const f = atBottom(e.currentTarget);
          follow.current = f;
          if (f !== following) setFollowing(f);
        }}
      >
        {lines.length === 0 ? (
          <p className="hint">{log.length === 0 ? 'No log lines yet: they appear here when a run starts (and go to run.log in the run directory).' : 'No lines of the levels chosen.'}</p>
        ) : (
          lines.map((l, i) => (
            <div key={i} className={`log-line log-${l.level}`} data-level={l.level}>
              <span className="log-time">{clock(l.time)}</span>
              <span className="log-badge">{LEVEL_WORDS[l.level]}</span>
              <span className="log-source">{l.source}</span>
              <span className="log-message">{l.message}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}
