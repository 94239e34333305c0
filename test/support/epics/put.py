"""caput with wait. argv: name, JSON value. Prints {ok, value_after}."""
import json
import sys

import epics
from _common import emit

name, value = sys.argv[1], json.loads(sys.argv[2])
pv = epics.PV(name, auto_monitor=False)
if not pv.wait_for_connection(timeout=5):
    emit({'name': name, 'connected': False})
    sys.exit(0)
done = {}


def on_done(**kw):
    done['called'] = True


try:
    status = pv.put(value, wait=True, timeout=10, callback=on_done, use_complete=True)
    error = None
except epics.ca.CASeverityException as e:
    status, error = None, str(e)
emit({'name': name, 'connected': True, 'status': status, 'error': error, 'write_access': pv.write_access,
      'put_complete': bool(pv.put_complete), 'callback': done.get('called', False),
      'value_after': pv.get(use_monitor=False, timeout=5)})
