"""mimocorb.buffer_control for RingScope: the classes mimoCoRB's user modules build
(rbImport, rbPut, rbExport, rbTransfer, rbProcess, rbDrain, rb_toTxtfile,
rb_toParquetfile, rbObserver), backed by RingScope's ring buffers through the pipe
to the engine (ringscope_link). Their behaviour follows mimoCoRB 1.0.2's classes
(BSD-2-Clause, Quast et al., https://github.com/GuenterQuast/mimoCoRB); the
text export is adapted from its rb_toTxtfile, so the file is the one mimoCoRB writes.
"""

import logging
import time

import numpy as np

import ringscope_context as rc
from ringscope_context import FunctionStopped, Reader, Writer, copy_of, delegate, first, info_of, user_call  # noqa: F401
from ringscope_link import COUNT

class rb_toTxtfile:
    """mimoCoRB's text export (ringscope_txt: the format adapted from mimoCoRB). pandas, which it
    needs, takes half a second of CPU to import: only a process that builds one imports it."""

    def __new__(cls, *args, **kwargs):
        from ringscope_txt import rb_toTxtfile as txt

        return txt(*args, **kwargs)


class rbImport:
    """Puts the (data, metadata) tuples of a user generator into the first sink buffer."""

    def __init__(self, sink_list=None, config_dict=None, ufunc=None, **rb_info):
        self.logger = logging.getLogger("rbImport")
        if sink_list is None:
            raise ValueError("ERROR! Faulty ring buffer configuration passed ('sink_list' missing)!")
        if any(v == "read" for v in rb_info.values()):
            raise ValueError("ERROR! reading buffers not foreseen!!")
        self.sink = Writer(0)
        self.chnams = self.sink.names
        self.number_of_channels = len(self.chnams)
        self.event_count = 0
        if not callable(ufunc):
            raise ValueError("ERROR! User-supplied function is not callable!")
        self.userdata_generator = ufunc()

    def __call__(self):
        while not rc.ctx.link.poll_stop():
            self.event_count += 1
            try:
                data, metadata = next(self.userdata_generator)
            except StopIteration:
                break
            if data is None:
                break
            # The engine numbers source events itself (0-based, consecutive over all instances).
            self.sink.put_channels(data, (0, time.time(), 0.0) if metadata is None else tuple(metadata))
        rc.ctx.flush()


class rbPut:
    """Puts data into the first sink buffer when called; returns False once the run stops."""

    def __init__(self, sink_list=None, config_dict=None, ufunc=None, **rb_info):
        self.logger = logging.getLogger("rbPut")
        if sink_list is None:
            raise ValueError("ERROR! Faulty ring buffer configuration passed ('sink_list' missing)!")
        self.sink = Writer(0)
        self.chnams = self.sink.names
        self.event_count = 0

    def __call__(self, data, metadata):
        if rc.ctx.link.poll_stop() or data is None:
            rc.ctx.flush()
            return False
        self.event_count += 1
        self.sink.put_channels(data, (0, time.time(), 0.0) if metadata is None else tuple(metadata))
        return True


class rbExport:
    """A generator of (data, metadata) from the first source buffer; None at the end."""

    def __init__(self, source_list=None, config_dict=None, **rb_info):
        self.source = Reader(first(source_list, "source_list"))

    def __call__(self):
        while True:
            data = self.source.get()
            if data is None:
                break
            yield (data, np.array(self.source.get_metadata()))
        yield None


class rbTransfer:
    """Filters the first source buffer into the sinks (mimoCoRB's return conventions)."""

    def __init__(self, source_list=None, sink_list=None, config_dict=None, ufunc=None, **rb_info):
        if not callable(ufunc):
            raise ValueError("ERROR! User-supplied function is not callable!")
        self.filter = ufunc
        self.reader = Reader(first(source_list, "source_list"))
        self.writers = [Writer(i) for i in range(len(sink_list or []))]

    def __call__(self):
        while True:
            input_data = self.reader.get()
            if input_data is None:
                break
            meta = self.reader.get_metadata()
            filter_data, ok = user_call(self.filter, meta[0], input_data)
            if not ok or filter_data is None:
                continue
            outs, ok = user_call(self._outputs, meta[0], input_data, filter_data)
            if ok:
                for w, buf in outs:
                    w.put(buf, meta)
        rc.ctx.flush()

    def _outputs(self, input_data, filter_data):
        out = []
        idx = 0
        if not isinstance(filter_data, (list, tuple)) or len(self.writers) > len(filter_data):
            out.append((self.writers[0], copy_of(input_data, self.writers[0])))
            idx = 1
        if isinstance(filter_data, (list, tuple)):
            for d in filter_data:
                if idx >= len(self.writers):
                    raise ValueError(f"the filter returned more results than it has buffers to write ({len(self.writers)})")
                if d is not None:
                    out.append((self.writers[idx], self.writers[idx].conform(d)))
                idx += 1
        return out


class rbProcess(rbTransfer):
    """Like rbTransfer, with one entry per sink: None, True (copy the input), an array or a list of arrays (one slot each)."""

    def _outputs(self, input_data, filter_data):
        if len(filter_data) != len(self.writers):
            raise ValueError(f"the function returned {len(filter_data)} results for {len(self.writers)} output buffers")
        out = []
        for w, d in zip(self.writers, filter_data):
            if d is None:
                continue
            if d is True:
                out.append((w, copy_of(input_data, w)))
            elif isinstance(d, (list, tuple)):
                out.extend((w, w.conform(x)) for x in d if x is not None)
            else:
                out.append((w, w.conform(d)))
        return out


class rbDrain:
    """Reads the first source buffer and discards its events (the engine does the reading)."""

    def __init__(self, source_list=None, config_dict=None, **rb_info):
        first(source_list, "source_list")
        self.filename = config_dict["directory_prefix"] + "/" + "message.txt"
        with open(self.filename, "w") as f:
            print("No output foreseen to be written by rbDrain()", file=f)

    def __call__(self):
        delegate("drain")


class rb_toParquetfile:
    """Saves the first source buffer with the engine's Parquet exporter (a dataset folder <filename>.parquet; no pyarrow needed)."""

    def __init__(self, source_list=None, config_dict=None, **rb_info):
        first(source_list, "source_list")
        if "filename" not in config_dict:
            raise ValueError("A 'filename' has to be provided to 'rb_toParquetfile'")
        self.filename = config_dict["filename"]

    def __call__(self):
        delegate("parquet", filename=self.filename)


class rbObserver:
    """A generator of copies of the newest event of the first observed buffer, at most every min_sleeptime; None at the end."""

    def __init__(self, observe_list=None, config_dict=None, **rb_info):
        self.info = info_of(first(observe_list, "observe_list"))
        self.min_sleeptime = 1.0 if not config_dict or "min_sleeptime" not in config_dict else config_dict["min_sleeptime"]

    def __call__(self):
        while True:
            rc.ctx.link.send("O", COUNT.pack(int(self.min_sleeptime * 1000)))
            rc.ctx.link.flush()
            kind, payload = rc.ctx.link.recv()
            if kind != "e":
                break
            yield rc.ctx.link.read_events(payload, self.info)[0][0]
        yield None
