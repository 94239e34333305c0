// A setup's validation problems, each with its place in the file.
import type { SetupProblem } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';

function where(p: SetupProblem): string {
  const pos = [p.file, p.line, p.column].filter((x) => x !== undefined && x !== null && x !== '').join(':');
  const path = Array.isArray(p.path) ? p.path.join('.') : p.path;
  return [pos, path].filter(Boolean).join(' — ');
}

export function Problems() {
  const setup = useApp((s) => s.setup);
  if (!setup || setup.problems.length === 0) return null;
  const errors = setup.problems.filter((p) => p.severity === 'error').length;
  return (
    <section className={`panel problems ${errors ? 'has-errors' : ''}`} aria-label="Problems">
      <h2>
        {errors
          ? `This setup cannot run: ${errors} error${errors > 1 ? 's' : ''}`
          : `Setup notes (${setup.problems.length})`}
      </h2>
      <ul>
        {setup.problems.map((p, i) => (
          <li key={i} className={`problem problem-${p.severity}`} data-severity={p.severity}>
            <span className="severity">{p.severity}</span>
            <span className="message">{p.message}</span>
            <span className="where">{where(p)}</span>
          </li>
        ))}
      </ul>
      {errors > 0 && <p className="hint">Fix the file and open it again (or restart ringscope serve with it).</p>}
    </section>
  );
}
