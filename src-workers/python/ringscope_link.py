"""The pipe between one RingScope worker thread and the Python process it started.

Frames both ways: a little-endian u32 payload length, one byte of kind, the payload.
Events travel in batches: u32 count, then per event counter (int64), timestamp
(float64, seconds since the epoch, as mimoCoRB has it), deadtime (float64) and the
fields one after the other, each as values_per_slot values of its exact dtype.
"""

import fcntl
import json
import os
import select
import struct
import time

import numpy as np

HEADER = struct.Struct("<IB")
META = struct.Struct("<qdd")
COUNT = struct.Struct("<I")


class Link:
    """Framed messages over the process's original stdin/stdout (user prints go to stderr)."""

    def __init__(self, fd_in, fd_out):
        self.fd_in = fd_in  # unbuffered, so that select() sees every byte not yet read
        self.fout = os.fdopen(fd_out, "wb", buffering=1 << 20)
        for fd in (fd_in, fd_out):
            try:  # 1 MiB pipes (Linux; 64 kB by default): a batch of waveforms crosses in one go, not in 16 turns
                fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            except OSError:
                pass
        self.stopped = False
        self.pending = []  # frames read while looking for a stop

    def send(self, kind, payload=b""):
        self.fout.write(HEADER.pack(len(payload), ord(kind)))
        self.fout.write(payload)

    def send_json(self, kind, obj):
        self.send(kind, json.dumps(obj).encode())

    def flush(self):
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

    def recv(self):
        """The next frame from the engine (blocking); a stop frame only marks the link stopped."""
        while True:
            kind, payload = self.pending.pop(0) if self.pending else self._read()
            if kind == "S":
                self.stopped = True
                continue
            return kind, payload

    def poll_stop(self):
        """True once the engine said stop (looks without blocking)."""
        if self.stopped:
            return True
        while select.select([self.fd_in], [], [], 0)[0]:
            kind, payload = self._read()
            if kind in ("S", "Z"):
                self.stopped = True
                break
            self.pending.append((kind, payload))
        return self.stopped


def buffer_dtype(info):
    """numpy dtype of a buffer's event: its fields in order, each values_per_slot long in the record array."""
    return np.dtype([(name, np.dtype(t).newbyteorder("<")) for name, t in info["fields"]])


def event_size(info):
    return META.size + sum(np.dtype(t).itemsize for _, t in info["fields"]) * info["values_per_slot"]


def decode_events(payload, info):
    """A batch frame as a list of (structured array of values_per_slot rows, (counter, timestamp, deadtime))."""
    (count,) = COUNT.unpack_from(payload, 0)
    off = COUNT.size
    n = info["values_per_slot"]
    dt = info["np_dtype"]
    out = []
    for _ in range(count):
        meta = META.unpack_from(payload, off)
        off += META.size
        arr = np.empty(n, dtype=dt)
        for name, t in info["fields"]:
            ft = np.dtype(t).newbyteorder("<")
            arr[name] = np.frombuffer(payload, dtype=ft, count=n, offset=off)
            off += ft.itemsize * n
        out.append((arr, meta))
    return out


def encode_event(arr, meta, info):
    parts = [META.pack(int(meta[0]), float(meta[1]), float(meta[2]))]
    for name, _ in info["fields"]:
        parts.append(np.ascontiguousarray(arr[name]).tobytes())
    return b"".join(parts)


class OutBatch:
    """Events for one buffer, sent when enough are together or some time has passed."""

    MAX_EVENTS = 64
    MAX_BYTES = 1 << 20
    MAX_SECONDS = 0.05

    def __init__(self, link, index):
        self.link = link
        self.index = index
        self.events = []
        self.bytes = 0
        self.since = time.monotonic()

    def add(self, blob):
        if not self.events:
            self.since = time.monotonic()
        self.events.append(blob)
        self.bytes += len(blob)
        if len(self.events) >= self.MAX_EVENTS or self.bytes >= self.MAX_BYTES or time.monotonic() - self.since > self.MAX_SECONDS:
            self.send()

    def send(self):
        if not self.events:
            return
        self.link.send("P", bytes([self.index]) + COUNT.pack(len(self.events)) + b"".join(self.events))
        self.events = []
        self.bytes = 0
        self.link.flush()
