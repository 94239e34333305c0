// The run's files: every export, run.log and run.json with its size and a
// download (browser mode: the server hands out this session's run files only,
// behind the page's access token), the run directory's disk usage and how
// fast it grows while the run writes — a Parquet export of raw waveforms can
// take a gigabyte a minute, which a student should see coming.
import type { RunFileEntry } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { useDesktop } from '../desktop/DesktopContext';
import { formatBytes } from '../format';

interface Group {
  name: string;
  size: number;
  files: RunFileEntry[];
}

/** Files grouped by their first path component: a Parquet dataset folder is one export of several parts. */
export function groupRunFiles(files: RunFileEntry[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of files) {
    const name = f.path.split('/')[0];
    const g = groups.get(name) ?? { name, size: 0, files: [] };
    g.size += f.size;
    g.files.push(f);
    groups.set(name, g);
  }
  return [...groups.values()];
}

function FileLink({ file, label }: { file: RunFileEntry; label: string }) {
  return file.url ? (
    <a href={file.url} download={label.split('/').at(-1)} data-testid="run-file-link">
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}

/** A file or folder of the run, by the run directory's own separator. */
function runPath(runDirectory: string, name: string): string {
  const sep = runDirectory.includes('\\') && !runDirectory.includes('/') ? '\\' : '/';
  return `${runDirectory.replace(/[\\/]+$/, '')}${sep}${name}`;
}

export function RunFiles() {
  const desktop = useDesktop();
  const files = useApp((s) => s.runFiles);
  const disk = useApp((s) => s.status?.disk);
  if (!files) return null;
  // Hidden files (a reserve the engine keeps for a full disk) count in the total but are not listed.
  const groups = groupRunFiles(files.files.filter((f) => !f.path.startsWith('.')));
  const perMinute = files.growth !== null ? files.growth * 60 : null;
  return (
    <section className="panel run-files" aria-label="Run files" data-testid="run-files" data-total={files.total}>
      <h2>Run files</h2>
      <p className="run-files-usage">
        <span data-testid="run-files-total">{formatBytes(files.total)}</span> in <code title={files.run_directory}>{files.run_directory.split(/[\\/]/).at(-1)}</code>
        {files.active && perMinute !== null && (
          <>
            {' '}
            · growing <span data-testid="run-files-growth">{formatBytes(perMinute)}/min</span>
          </>
        )}
        {files.active && disk && disk.free > 0 && <> · {formatBytes(disk.free)} free</>}
      </p>
      {files.active && perMinute !== null && perMinute > 100 * 2 ** 20 && (
        <p className="hint run-files-warning" data-testid="run-files-warning">
          The exports grow by {formatBytes(perMinute * 60)} an hour: stop the run in time, or export fewer waveforms.
        </p>
      )}
      <table className="run-file-list">
        <tbody>
          {groups.map((g) => (
            <tr key={g.name} data-file={g.name} data-size={g.size}>
              <th scope="row">
                {g.files.length === 1 && g.files[0].path === g.name ? (
                  <FileLink file={g.files[0]} label={g.name} />
                ) : (
                  <details>
                    <summary>
                      {g.name} <span className="muted">({g.files.length === 1 ? '1 file' : `${g.files.length} files`})</span>
                    </summary>
                    {g.files.map((f) => (
                      <div key={f.path}>
                        <FileLink file={f} label={f.path.slice(g.name.length + 1)} /> <span className="muted">{formatBytes(f.size)}</span>
                      </div>
                    ))}
                  </details>
                )}
              </th>
              <td className="num">{formatBytes(g.size)}</td>
              {desktop && (
                <td>
                  <button
                    type="button"
                    className="small"
                    data-testid="show-in-folder"
                    title="Show this file in the file manager"
                    onClick={() => desktop.api.showInFolder(runPath(files.run_directory, g.name))}
                  >
                    Show in folder
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {!desktop && !files.files.some((f) => f.url) && files.files.length > 0 && <p className="hint">The files are in <code>{files.run_directory}</code>.</p>}
    </section>
  );
}
