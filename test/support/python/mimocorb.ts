import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');

/** mimoCoRB 1.0.2's own files, copied unchanged: examples/, dist/ (the wheel), recordings/. */
export const MIMOCORB_UPSTREAM = join(ROOT, 'test/fixtures/mimocorb-upstream');

let cached: string | undefined;

/**
 * The Python that runs mimoCoRB's own code in tests: a venv over Debian's numpy, scipy,
 * pandas, matplotlib and yaml with the upstream wheel installed offline (made once, by
 * test/support/python/mimocorb-venv.sh, under test-results/). Throws naming what is missing.
 */
export function mimocorbPython(): string {
  if (cached) return cached;
  try {
    cached = execFileSync('bash', [join(import.meta.dirname, 'mimocorb-venv.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    return cached;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      'cannot make the mimoCoRB test Python (needs: apt-get install -y python3-numpy python3-scipy ' +
        `python3-pandas python3-matplotlib python3-yaml python3-venv): ${err.stderr?.trim() || err.message}`,
    );
  }
}
