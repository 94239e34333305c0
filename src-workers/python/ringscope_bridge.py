"""Runs one instance of a mimoCoRB Python function for RingScope.

Started one of two ways: by the function's worker thread (`python ringscope_bridge.py`,
the protocol on stdin/stdout), or forked by ringscope_forkserver.py, which imported the
setup's modules once (the protocol on the Unix socket the worker connected; what the
function prints travels as "L" frames). The init frame (JSON) comes first. The user's
module is imported with the mimocorb package the user installed, except that
mimocorb.buffer_control is RingScope's (ringscope_buffer_control).
"""

import importlib.util
import json
import logging
import os
import signal
import sys
import types

import numpy as np

from ringscope_link import Link, buffer_dtype


def load_module(init, missing):
    """The user's module, imported here (mimoCoRB's way of resolving it) with a clear message for a missing mimocorb."""
    path = init["module"]
    try:
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    except ModuleNotFoundError as e:
        if missing and (e.name or "").startswith("mimocorb"):
            raise ModuleNotFoundError(
                f"{init['shown']} imports {e.name}, which comes from the mimocorb package, and it is not installed for {sys.executable}. "
                f"Install it ({sys.executable} -m pip install mimocorb), or point RingScope at a Python that has it (python: in the setup, or RINGSCOPE_PYTHON)."
            ) from None
        raise


def main(link, preloaded=None):
    """Reads the init frame, runs the function, says how it ended; the exit code."""
    kind, payload = link.recv()
    if kind != "I":
        return 2
    init = json.loads(payload)
    link.attach(init["shared"])  # first: the worker removes the file's name once this process says anything
    link.send("H", str(os.getpid()).encode())
    link.flush()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s: %(message)s")

    missing = install_buffer_control()
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
        module = (preloaded or {}).get(path) or load_module(init, missing)
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


def die_with_parent():
    """Linux: this process ends when the one that started it ends (an engine killed with SIGKILL
    leaves no Python running user code that never looks at its link)."""
    try:
        import ctypes

        parent = os.getppid()
        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0 and os.getppid() != parent:  # 1: PR_SET_PDEATHSIG
            os._exit(1)  # the parent went before the call
    except (OSError, AttributeError):
        pass  # elsewhere the link's end is what ends it


def install_buffer_control():
    """Puts RingScope's buffer_control into the user's mimocorb package (or an empty stand-in); True if mimocorb is missing."""
    import ringscope_buffer_control as bc

    missing = False
    try:
        import mimocorb
    except ImportError:
        missing = True
        mimocorb = types.ModuleType("mimocorb")
        mimocorb.__path__ = []
        mimocorb._ringscope_stand_in = True  # a second call (a forked process) still knows
        sys.modules["mimocorb"] = mimocorb
    sys.modules["mimocorb.buffer_control"] = bc
    mimocorb.buffer_control = bc
    return missing or getattr(mimocorb, "_ringscope_stand_in", False)


if __name__ == "__main__":
    # Ctrl-C in a terminal reaches the whole process group: the engine stops the run
    # and drains; this process must not die before it has written what it holds.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    # The protocol keeps the original stdin/stdout; whatever the user prints goes to stderr (run.log).
    proto_in, proto_out = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    code = main(Link(proto_in, proto_out))
    sys.stderr.flush()
    os._exit(code)
