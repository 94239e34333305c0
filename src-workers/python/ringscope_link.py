"""The link between one RingScope worker thread and the Python process it started.

Frames over the process's original stdin/stdout: a little-endian u32 payload length, one
byte of kind, the payload. Events lie in a file both sides map (the worker made it, its
plan comes in the init frame): one after the other, each as counter (int64), timestamp
(float64, seconds since the epoch, as mimoCoRB has it), deadtime (float64) and the fields
one after the other, each as values_per_slot values of its exact dtype. Frames only say
how many events and where: "e" (count) for events the worker put in the read region,
"p" (output, half, count) for a batch Python put in one half of an output's region,
"A" (output) when the worker has taken a batch and the half is free again.
"""

import collections
import fcntl
import json
import mmap
import os
import select
import struct
import threading
import time

import numpy as np

HEADER = struct.Struct("<IB")
META = struct.Struct("<qdd")
COUNT = struct.Struct("<I")
PUT = struct.Struct("<BBI")


class Link:
    """Framed messages over the process's original stdin/stdout, or the connection a forked process got (user prints go elsewhere)."""

    def __init__(self, fd_in, fd_out):
        self.fd_in = fd_in  # unbuffered, so that select() sees every byte not yet read
        self.fout = os.fdopen(fd_out, "wb", buffering=1 << 16)
        for fd in (fd_in, fd_out):
            try:  # 1 MiB pipes (Linux; 64 kB by default): room for many frames
                fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            except OSError:
                pass
        self.stopped = False
        self.pending = []  # frames read while looking for a stop or an ack
        self.acked = collections.Counter()  # batches the worker has taken, per output
        self.shared = None
        self.lock = threading.RLock()  # frames go from the main thread and from the batches' flusher

    def attach(self, plan):
        """Maps the file the worker shares (plan: path, size, read and sink regions)."""
        with open(plan["path"], "r+b") as f:
            self.shared = mmap.mmap(f.fileno(), plan["size"])
        self.plan = plan

    def send(self, kind, payload=b""):
        with self.lock:
            self.fout.write(HEADER.pack(len(payload), ord(kind)))
            self.fout.write(payload)

    def send_json(self, kind, obj):
        self.send(kind, json.dumps(obj).encode())

    def flush(self):
        with self.lock:
            self.fout.flush()

    def _exact(self, n):
        chunks = []
        while n > 0:
            b = os.read(self.fd_in, min(n, 1 << 20))
            if not b:
                return None
            chunks.append(b)
            n -= len(b)
        return b"".join(chunks)

    def _read(self):
        head = self._exact(HEADER.size)
        if head is None:
            return "Z", b""  # the engine went away: end of everything
        n, kind = HEADER.unpack(head)
        payload = self._exact(n) if n else b""
        return chr(kind), payload or b""

    def read_events(self, payload, info):
        """The events of an "e" frame (its payload: their count), from the read region."""
        return decode_events(COUNT.unpack(payload)[0], info, self.shared, self.plan["read"]["offset"])

    def _control(self, kind, payload):
        """Handles a stop or an ack; False for any other frame."""
        if kind == "S":
            self.stopped = True
        elif kind == "A":
            self.acked[payload[0]] += 1
        else:
            return False
        return True

    def recv(self):
        """The next frame from the engine (blocking); stop and ack frames only mark their state."""
        while True:
            kind, payload = self.pending.pop(0) if self.pending else self._read()
            if not self._control(kind, payload):
                return kind, payload

    def poll_stop(self):
        """True once the engine said stop (looks without blocking)."""
        if self.stopped:
            return True
        while select.select([self.fd_in], [], [], 0)[0]:
            kind, payload = self._read()
            if kind == "Z":
                self.stopped = True
                break
            if not self._control(kind, payload):
                self.pending.append((kind, payload))
        return self.stopped

    def wait_ack(self, index, count):
        """Blocks until the worker has taken `count` batches of output `index`."""
        while self.acked[index] < count:
            kind, payload = self._read()
            if kind == "Z":  # the engine went away: nothing will take this batch
                os._exit(1)
            if not self._control(kind, payload):
                self.pending.append((kind, payload))


def buffer_dtype(info):
    """numpy dtype of a buffer's event: its fields in order, each values_per_slot long in the record array."""
    return np.dtype([(name, np.dtype(t).newbyteorder("<")) for name, t in info["fields"]])


def event_size(info):
    return META.size + sum(np.dtype(t).itemsize for _, t in info["fields"]) * info["values_per_slot"]


def decode_events(count, info, buf, base):
    """`count` events at offset `base` of `buf` as a list of (structured array of values_per_slot rows, (counter, timestamp, deadtime))."""
    off = base
    n = info["values_per_slot"]
    dt = info["np_dtype"]
    out = []
    for _ in range(count):
        meta = META.unpack_from(buf, off)
        off += META.size
        arr = np.empty(n, dtype=dt)
        for name, t in info["fields"]:
            ft = np.dtype(t).newbyteorder("<")
            arr[name] = np.frombuffer(buf, dtype=ft, count=n, offset=off)
            off += ft.itemsize * n
        out.append((arr, meta))
    return out


class OutBatch:
    """Events for one output buffer, written straight into one half of its region of the shared
    file and announced when enough are together or some time has passed; the other half is
    being copied into the ring buffer meanwhile. The lock is held from slot() to commit() (or
    abandon()): the flusher thread sends a batch that waited too long only between events."""

    MAX_EVENTS = 64
    MAX_SECONDS = 0.05

    def __init__(self, link, index, info):
        self.link = link
        self.index = index
        self.info = info
        region = link.plan["sinks"][index]
        self.base = region["offset"]
        self.half = region["half"]
        self.size = event_size(info)
        self.per_batch = max(1, min(self.MAX_EVENTS, self.half // self.size))
        self.batches = 0  # announced so far; batch k lies in half k % 2
        self.count = 0
        self.since = time.monotonic()
        self.last = 0.0  # when the previous event came
        self.views = {}
        self.lock = threading.Lock()

    def slot(self):
        """(metadata offset, field views) of the next event's place in the file; commit() or abandon() follows."""
        if self.count == 0 and self.batches >= 2:  # the batch before the last one lay in this half
            self.link.wait_ack(self.index, self.batches - 1)  # (the flusher leaves an empty batch alone)
        self.lock.acquire()
        if self.count == 0:
            self.since = time.monotonic()
        off = self.base + (self.batches % 2) * self.half + self.count * self.size
        views = self.views.get(off)
        if views is None:
            views, at = [], off + META.size
            n = self.info["values_per_slot"]
            for _, t in self.info["fields"]:
                ft = np.dtype(t).newbyteorder("<")
                views.append(np.frombuffer(self.link.shared, dtype=ft, count=n, offset=at))
                at += ft.itemsize * n
            self.views[off] = views
        return off, views

    def abandon(self):
        """The event of the last slot() is not written after all (user code failed while filling it)."""
        self.lock.release()

    def commit(self, off, meta):
        """The event at `off` is written: its metadata, then the batch goes when full, old enough, or the events are slow."""
        try:
            META.pack_into(self.link.shared, off, int(meta[0]), float(meta[1]), float(meta[2]))
            self.count += 1
            now = time.monotonic()
            # Events further apart than MAX_SECONDS gain nothing from waiting for company: each goes at once.
            slow = now - self.last > self.MAX_SECONDS
            self.last = now
            if slow or self.count >= self.per_batch or now - self.since > self.MAX_SECONDS:
                self._send()
        finally:
            self.lock.release()

    def send(self):
        with self.lock:
            self._send()

    def send_if_old(self):
        """The flusher: a batch that waited MAX_SECONDS goes (a burst's last events do not wait for the next burst)."""
        with self.lock:
            if self.count and time.monotonic() - self.since > self.MAX_SECONDS:
                self._send()

    def _send(self):
        if not self.count:
            return
        self.link.send("p", PUT.pack(self.index, self.batches % 2, self.count))
        self.batches += 1
        self.count = 0
        self.link.flush()


def start_flusher(batches):
    """A daemon thread that sends batches that waited too long (a generator that blocks cannot)."""

    def run():
        while True:
            time.sleep(OutBatch.MAX_SECONDS)
            for b in batches:
                b.send_if_old()

    if batches:
        threading.Thread(target=run, name="ringscope-flusher", daemon=True).start()
