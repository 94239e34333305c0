"""Monitors one PV and narrates: a JSON line per value callback and per
connection change. Commands on stdin: "disconnect" (drop the PV; prints
{"event": "disconnected"}), "count" (prints callbacks so far), "quit"."""
import sys
import threading
import time

import epics
from _common import emit

name = sys.argv[1]
counts = {'values': 0}
lock = threading.Lock()


def on_value(pvname=None, value=None, timestamp=None, severity=None, **kw):
    with lock:
        counts['values'] += 1
    emit({'event': 'value', 'value': value, 'timestamp': timestamp, 'severity': severity})


def on_conn(pvname=None, conn=None, **kw):
    emit({'event': 'conn', 'conn': bool(conn)})


pv = epics.PV(name, callback=on_value, connection_callback=on_conn, form='time')
emit({'event': 'ready'})
for line in sys.stdin:
    cmd = line.strip()
    if cmd == 'disconnect':
        pv.clear_callbacks()
        pv.disconnect()
        emit({'event': 'disconnected'})
    elif cmd == 'count':
        with lock:
            emit({'event': 'count', 'values': counts['values']})
    elif cmd == 'quit':
        break
    time.sleep(0)
emit({'event': 'bye'})
