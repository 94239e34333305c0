"""caget-like reads. argv[1]: JSON list of {name, form?: native|ctrl|time, as_string?, timeout?}.
Prints one JSON line per request: value, count, type, ctrl vars / time stamp, elapsed."""
import json
import sys
import time

import epics
from _common import emit

for req in json.loads(sys.argv[1]):
    name = req['name']
    timeout = req.get('timeout', 5.0)
    t0 = time.time()
    pv = epics.PV(name, form=req.get('form', 'time'), auto_monitor=False, connection_timeout=timeout)
    connected = pv.wait_for_connection(timeout=timeout)
    out = {'name': name, 'connected': bool(connected)}
    if connected:
        value = pv.get(as_string=req.get('as_string', False), timeout=timeout, use_monitor=False)
        out.update(value=value, count=pv.count, nelm=pv.nelm, type=pv.type, host=pv.host,
                   severity=pv.severity, status=pv.status, timestamp=pv.timestamp, char_value=pv.char_value)
        if req.get('ctrl'):
            out['ctrl'] = {k: v for k, v in (pv.get_ctrlvars(timeout=timeout) or {}).items()}
        if req.get('enum'):
            out['enum_strs'] = list(pv.enum_strs or [])
    out['elapsed'] = time.time() - t0
    emit(out)
    pv.disconnect()
