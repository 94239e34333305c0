#!/usr/bin/env bash
# Makes the Python that tests use for mimoCoRB's own code: a venv over Debian's
# numpy/scipy/pandas/matplotlib/yaml with the upstream mimocorb 1.0.2 wheel
# installed offline. Idempotent; prints the venv's python path on stdout.
#   needs: apt-get install -y python3-numpy python3-scipy python3-pandas python3-matplotlib python3-yaml python3-venv
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
venv="${RINGSCOPE_MIMOCORB_VENV:-$root/test-results/mimocorb-venv}"
wheel="$root/test/fixtures/mimocorb-upstream/dist/mimocorb-1.0.2-py3-none-any.whl"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"; flock 9   # test files in parallel make it once
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import mimocorb' 2>/dev/null; then
  rm -rf "$venv"
  /usr/bin/python3 -m venv --system-site-packages "$venv" >&2
  "$venv/bin/pip" install --quiet --no-index --no-deps "$wheel" >&2
fi
"$venv/bin/python" -c 'import numpy, scipy, pandas, yaml, mimocorb' >&2
echo "$venv/bin/python"
