"""Shared bits of the pyepics test clients: JSON output of numpy values."""
import json
import sys


def plain(v):
    """numpy scalars/arrays, bytes, NaN (as "NaN") to JSON-able values, recursively."""
    if hasattr(v, 'tolist'):
        v = v.tolist()
    if isinstance(v, bytes):
        return v.decode('utf-8', 'replace')
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, float) and v != v:
        return 'NaN'
    return v


def emit(obj):
    """One JSON line on stdout, flushed (the test reads line by line)."""
    sys.stdout.write(json.dumps(plain(obj)) + '\n')
    sys.stdout.flush()
