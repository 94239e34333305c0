"""What RingScope's mimocorb.buffer_control classes share: the context of this Python
process (its pipe to the engine and its buffers), reading and writing events in batches,
and user code's errors as function errors. Set up by ringscope_bridge.
"""

import traceback

import numpy as np

from ringscope_link import COUNT, OutBatch, event_size, start_flusher

ctx = None  # the Context of this process, set by ringscope_bridge before the user's module runs


class FunctionStopped(Exception):
    """The function ends after an error (on_error: stop); the error was reported already."""


class Context:
    def __init__(self, link, init):
        self.link = link
        self.on_error = init["on_error"]
        self.run_directory = init["run_directory"]
        self.sources = init["sources"]
        self.sinks = init["sinks"]
        self.observes = init["observes"]
        self.outputs = [OutBatch(link, i, info) for i, info in enumerate(self.sinks)]
        start_flusher(self.outputs)

    def flush(self):
        for o in self.outputs:
            o.send()
        self.link.flush()

    def report(self, exc, counter):
        """Sends a Python exception as a function error with its traceback."""
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.link.send_json("X", {"message": f"{type(exc).__name__}: {exc}", "traceback": tb, "counter": counter})
        self.link.flush()


def info_of(d):
    """The buffer behind a source/sink/observe dict the user passes back."""
    return d["_rs"]


def user_call(fn, counter, *args):
    """Calls user code; (result, True), or (None, False) for an error skipped under on_error: skip_event."""
    try:
        return fn(*args), True
    except (FunctionStopped, KeyboardInterrupt):
        raise
    except Exception as e:  # noqa: BLE001 - any error of user code is a function error
        ctx.report(e, counter)
        if ctx.on_error == "skip_event":
            return None, False
        raise FunctionStopped() from e


class Reader:
    """Events of one reader group, fetched in batches."""

    def __init__(self, d):
        self.info = info_of(d)
        self.values_per_slot = self.info["values_per_slot"]
        self.dtype = d["dtype"]
        self.metadata_dtype = [("counter", np.longlong), ("timestamp", np.float64), ("deadtime", np.float64)]
        self.batch = max(1, min(64, ctx.link.plan["read"]["size"] // event_size(self.info)))
        self.queue = []
        self.meta = (0, -1.0, -1.0)
        self.ended = False

    def get(self):
        if not self.queue and not self.ended:
            ctx.flush()
            ctx.link.send("G", COUNT.pack(self.batch))
            ctx.link.flush()
            kind, payload = ctx.link.recv()
            if kind == "e":
                self.queue = ctx.link.read_events(payload, self.info)
                self.queue.reverse()
            else:
                self.ended = True
        if not self.queue:
            return None
        arr, self.meta = self.queue.pop()
        return arr

    def get_metadata(self):
        return self.meta


class Writer:
    def __init__(self, index):
        self.index = index
        self.info = ctx.sinks[index]["_rs"]
        self.dtype = ctx.sinks[index]["dtype"]
        self.names = [n for n, _ in self.info["fields"]]

    def put(self, arr, meta):
        """A record of the buffer's dtype, field by field, straight into the shared file."""
        self.put_channels([arr[name] for name in self.names], meta)

    def put_channels(self, data, meta):
        """mimoCoRB's rbImport/rbPut: data[i] into the buffer's i-th field, straight into the shared file."""
        batch = ctx.outputs[self.index]
        off, views = batch.slot()
        try:
            for i, view in enumerate(views):
                view[:] = data[i]
        except BaseException:
            batch.abandon()
            raise
        batch.commit(off, meta)

    def conform(self, d):
        """A buffer record from what the user returned: fields by name, unknown ones refused (never silent zeros)."""
        buf = np.zeros(self.info["values_per_slot"], dtype=self.info["np_dtype"])
        names = getattr(getattr(d, "dtype", None), "names", None)
        if names is None:
            raise TypeError(f"a result for {self.info['name']} must be a numpy structured array with fields named as in its data_type ({', '.join(self.names)}); got {type(d).__name__}")
        for ch in names:
            if ch not in self.names:
                raise ValueError(f"the result has a field {ch!r} that {self.info['name']} does not have (its fields: {', '.join(self.names)})")
            buf[ch] = d[ch]
        return buf


def copy_of(arr, w):
    buf = np.zeros(w.info["values_per_slot"], dtype=w.info["np_dtype"])
    for ch in arr.dtype.names:
        if ch in w.names:
            buf[ch] = arr[ch]
    return buf


def first(lst, what):
    if not lst:
        raise ValueError(f"Faulty ring buffer configuration passed ('{what}' missing)!")
    return lst[0]


def delegate(kind, **extra):
    """Hands the reading of the first source buffer to the engine (its own exporters), then waits for the end."""
    ctx.flush()
    ctx.link.send_json("Q", {"kind": kind, **extra})
    ctx.link.flush()
    while ctx.link.recv()[0] != "Z":
        pass
