"""Runs one instance of a mimoCoRB Python function for RingScope.

Started by the function's worker thread: `python ringscope_bridge.py`, the init frame
(JSON) on stdin. The user's module is imported with the mimocorb package the user
installed, except that mimocorb.buffer_control is RingScope's (ringscope_buffer_control).
"""

import os
import signal
import sys

# Ctrl-C in a terminal reaches the whole process group: the engine stops the run
# and drains; this process must not die before it has written what it holds.
signal.signal(signal.SIGINT, signal.SIG_IGN)

# The protocol keeps the original stdout; whatever the user prints goes to stderr (run.log).
_proto_out = os.dup(1)
_proto_in = os.dup(0)
os.dup2(2, 1)
sys.stdout = sys.stderr

import importlib.util  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import types  # noqa: E402

import numpy as np  # noqa: E402

from ringscope_link import Link, buffer_dtype  # noqa: E402


def main():
    link = Link(_proto_in, _proto_out)
    kind, payload = link.recv()
    if kind != "I":
        return 2
    init = json.loads(payload)
    link.attach(init["shared"])  # first: the worker removes the file's name once this process says anything
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")

    missing = _install_buffer_control()
    import ringscope_context as rc

    rc.ctx = ctx = rc.Context(link, init)

    def user_dicts(infos):
        out = []
        for info in infos:
            info["np_dtype"] = buffer_dtype(info)
            out.append({
                "number_of_slots": info["number_of_slots"],
                "values_per_slot": info["values_per_slot"],
                "dtype": [(n, np.dtype(t)) for n, t in info["fields"]],
                "_rs": info,
            })
        return out or None

    source_list = user_dicts(init["sources"])
    sink_list = user_dicts(init["sinks"])
    observe_list = user_dicts(init["observes"])
    ctx.sources, ctx.sinks, ctx.observes = source_list or [], sink_list or [], observe_list or []

    config = dict(init["config"])
    config["directory_prefix"] = init["run_directory"]
    path = init["module"]
    os.chdir(init["setup_directory"])  # mimoCoRB runs where its setup file is
    sys.path.insert(0, os.path.dirname(path))  # the module's own imports (from filters import *)
    try:
        try:
            spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except ModuleNotFoundError as e:
            if missing and (e.name or "").startswith("mimocorb"):
                raise ModuleNotFoundError(
                    f"{init['shown']} imports {e.name}, which comes from the mimocorb package, and it is not installed for {sys.executable}. "
                    f"Install it ({sys.executable} -m pip install mimocorb), or point RingScope at a Python that has it (python: in the setup, or RINGSCOPE_PYTHON)."
                ) from None
            raise
        fn = getattr(module, init["fkt_name"], None)
        if not callable(fn):
            raise AttributeError(f"{init['shown']} defines no function {init['fkt_name']}")
        fn(source_list, sink_list, observe_list, config, **init["rb_info"])
        ctx.flush()
    except rc.FunctionStopped:
        link.flush()
        return 1
    except SystemExit as e:
        if e.code not in (None, 0):
            ctx.report(RuntimeError(f"the function called sys.exit({e.code!r})"), None)
            return 1
    except BaseException as e:  # noqa: BLE001 - reported with its traceback, then this process ends
        ctx.report(e, None)
        return 1
    link.send("D")
    link.flush()
    return 0


def _install_buffer_control():
    """Puts RingScope's buffer_control into the user's mimocorb package (or an empty stand-in); True if mimocorb is missing."""
    import ringscope_buffer_control as bc

    missing = False
    try:
        import mimocorb
    except ImportError:
        missing = True
        mimocorb = types.ModuleType("mimocorb")
        mimocorb.__path__ = []
        sys.modules["mimocorb"] = mimocorb
    sys.modules["mimocorb.buffer_control"] = bc
    mimocorb.buffer_control = bc
    return missing


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    os._exit(code)
