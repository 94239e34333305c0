"""The Python processes of a run, forked from one that imported everything once.

mimoCoRB imports the setup's modules in its main process and forks one process per
function instance (multiprocessing on Linux); RingScope's engine starts this server
at the start of a run for the same effect: numpy, RingScope's mimocorb.buffer_control
and each Python module of the setup are imported here once, and every instance is a
fork of this process instead of a fresh Python importing numpy and scipy again (half a
second to a second of CPU each, on every core the run needs).

    python ringscope_forkserver.py '{"socket": ..., "setup_directory": ..., "modules": [...]}'

It listens on the Unix socket first and says "listening" on stdout, then imports the
modules one by one in the setup's order. A worker thread connects twice, starting each
connection with a line "link <token> <module>" or "print <token>"; once both are there
and its module is imported (the source's is first, so the source runs while the filters'
modules still load) it gets a forked process of its own, which runs ringscope_bridge.main
with the first as its link and the second as its stdout and stderr (what it prints,
straight from the file descriptors, as a pipe would carry it). The server ends when its
stdin closes (the engine ended the run, or is gone). A module that fails to import here
is left to the forked process, which reports the error as the function's.
"""

import json
import os
import select
import signal
import socket
import sys


def preload(path, missing, loaded):
    """Imports one module as the bridge would (None when it fails: the forked process imports it again and reports why)."""
    import ringscope_bridge as bridge

    sys.path.insert(0, os.path.dirname(path))
    try:
        loaded[path] = bridge.load_module({"module": path, "shown": path}, missing)
    except BaseException:  # noqa: BLE001
        loaded[path] = None


def child(link_conn, print_conn, listener, waiting, queue, loaded):
    """The forked process: the bridge over the connection; never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # its own subprocesses report their exit status
    listener.close()
    for pair in [*waiting.values(), *queue]:  # other workers' connections: theirs to close, not this process's
        for key in ("link", "print"):
            if key in pair:
                pair[key].close()
    import ringscope_bridge as bridge
    from ringscope_link import Link

    bridge.die_with_parent()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # the server's stdin is the engine's lifeline, not this process's
    os.dup2(print_conn.fileno(), 1)
    os.dup2(print_conn.fileno(), 2)
    print_conn.close()
    sys.stdout = sys.stderr
    fd = link_conn.detach()
    code = 2
    try:
        code = bridge.main(Link(fd, os.dup(fd)), {k: m for k, m in loaded.items() if m is not None})
    finally:
        sys.stderr.flush()
        os._exit(code)


def hello(conn):
    """(role, token, module) from the line a worker starts a connection with ("link <token> <module path in hex>"
    or "print <token>"); None for anything else."""
    conn.settimeout(10)
    data = b""
    try:
        while not data.endswith(b"\n") and len(data) < 200:
            chunk = conn.recv(1)  # byte by byte: the frames that follow the line are the forked process's
            if not chunk:
                return None
            data += chunk
    except OSError:
        return None
    conn.settimeout(None)
    parts = data.decode("ascii", "replace").split()
    if len(parts) == 3 and parts[0] == "link":
        try:
            return "link", parts[1], bytes.fromhex(parts[2]).decode("utf-8")
        except ValueError:
            return None
    return ("print", parts[1], None) if len(parts) == 2 and parts[0] == "print" else None


def main():
    plan = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's to handle (it stops and drains)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(plan["socket"])
    listener.listen(128)
    print("listening", flush=True)
    import ringscope_bridge as bridge

    bridge.die_with_parent()
    missing = bridge.install_buffer_control()
    os.chdir(plan["setup_directory"])
    to_load = list(plan["modules"])  # in the setup's order: the source's module first, as a rule
    loaded = {}  # module path -> module (None: failed here)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked processes are reaped by the system
    waiting = {}  # token -> the connections of a worker so far
    queue = []  # complete pairs whose module is not imported yet
    while True:
        # While modules are left to import, only look for connections; a worker whose module is
        # in gets its process at once and runs while the next module loads (the other core's work).
        ready = select.select([listener, sys.stdin], [], [], 0 if to_load else None)[0]
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1 << 12):
            return
        if listener in ready:
            conn, _ = listener.accept()
            said = hello(conn)
            if said is None:
                conn.close()
                continue
            role, token, module = said
            pair = waiting.setdefault(token, {})
            pair[role] = conn
            if module is not None:
                pair["module"] = module
            if "link" in pair and "print" in pair:
                queue.append(waiting.pop(token))
        if to_load and listener not in ready:
            preload(to_load.pop(0), missing, loaded)
        for pair in [p for p in queue if p["module"] in loaded or p["module"] not in to_load]:
            queue.remove(pair)
            if os.fork() == 0:
                child(pair["link"], pair["print"], listener, waiting, queue, loaded)
            pair["link"].close()
            pair["print"].close()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
