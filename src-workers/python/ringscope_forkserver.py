"""The Python processes of a run, forked from one that imported everything once.

mimoCoRB imports the setup's modules in its main process and forks one process per
function instance (multiprocessing on Linux); RingScope's engine starts this server
at the start of a run for the same effect: numpy, RingScope's mimocorb.buffer_control
and each Python module of the setup are imported here once, and every instance is a
fork of this process instead of a fresh Python importing numpy and scipy again (half a
second to a second of CPU each, on every core the run needs).

    python ringscope_forkserver.py '{"socket": ..., "setup_directory": ..., "modules": [...]}'

It listens on the Unix socket first and says "listening" on stdout. A worker thread
connects twice, starting each connection with a line "link <token>" or "print <token>";
once both are there it gets a forked process of its own, which runs ringscope_bridge.main
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


def preload(modules, setup_directory):
    """Imports each module as the bridge would; those that fail are left out."""
    import ringscope_bridge as bridge

    missing = bridge.install_buffer_control()
    os.chdir(setup_directory)
    loaded = {}
    for path in modules:
        sys.path.insert(0, os.path.dirname(path))
        try:
            loaded[path] = bridge.load_module({"module": path, "shown": path}, missing)
        except BaseException:  # noqa: BLE001 - the forked process imports it again and reports why
            pass
    return loaded


def child(link_conn, print_conn, listener, waiting, loaded):
    """The forked process: the bridge over the connection; never returns."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # its own subprocesses report their exit status
    listener.close()
    for pair in waiting.values():  # other workers' connections: theirs to close, not this process's
        for conn in pair.values():
            conn.close()
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
        code = bridge.main(Link(fd, os.dup(fd)), loaded)
    finally:
        sys.stderr.flush()
        os._exit(code)


def hello(conn):
    """(role, token) from the line a worker starts a connection with; None for anything else."""
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
    return (parts[0], parts[1]) if len(parts) == 2 and parts[0] in ("link", "print") else None


def main():
    plan = json.loads(sys.argv[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's to handle (it stops and drains)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(plan["socket"])
    listener.listen(128)
    print("listening", flush=True)
    import ringscope_bridge as bridge

    bridge.die_with_parent()
    loaded = preload(plan["modules"], plan["setup_directory"])
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked processes are reaped by the system
    waiting = {}  # token -> the connections of a worker so far
    while True:
        ready = select.select([listener, sys.stdin], [], [])[0]
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1 << 12):
            return
        if listener in ready:
            conn, _ = listener.accept()
            said = hello(conn)
            if said is None:
                conn.close()
                continue
            role, token = said
            waiting.setdefault(token, {})[role] = conn
            pair = waiting[token]
            if len(pair) < 2:
                continue
            del waiting[token]
            if os.fork() == 0:
                child(pair["link"], pair["print"], listener, waiting, loaded)
            pair["link"].close()
            pair["print"].close()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
