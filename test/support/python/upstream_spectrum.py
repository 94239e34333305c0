"""Runs mimoCoRB's own spectrum_filter.find_peaks (examples/modules, unchanged) on
waveforms from a RingScope CSV export, and prints its pulse parameters as JSON.

usage: upstream_spectrum.py MODULES_DIR CONFIG_YAML WAVEFORMS_CSV
The module's rbTransfer (the ring-buffer loop) is replaced by one that feeds it
the events of the CSV; tag_pulses, filters.tag_peaks and scipy run as shipped.
"""
import json
import sys
import types

import numpy as np
import pandas as pd
import yaml

modules, config_file, csv = sys.argv[1:4]
sys.path.insert(0, modules)
# mimocorb.buffer_control imports its Tk GUI (matplotlib.use("TkAgg")), which fails without a
# display; the module needs only the name rbTransfer from it, which is replaced below anyway.
stub = types.ModuleType("mimocorb.buffer_control")
stub.rbTransfer = None
sys.modules["mimocorb.buffer_control"] = stub
import spectrum_filter  # noqa: E402  (mimoCoRB's module)

waves = pd.read_csv(csv)
channels = sorted({c.rsplit("_", 1)[0] for c in waves.columns if c.startswith("ch")})
samples = sum(1 for c in waves.columns if c.startswith(channels[0] + "_"))
in_dtype = [(ch, np.float32, (samples,)) for ch in channels]
out_dtype = []
for ch in channels:
    out_dtype += [(ch + "_height", np.float32), (ch + "_position", np.int32), (ch + "_integral", np.float32)]

results = []


class FeedEvents:
    def __init__(self, ufunc=None, **kwargs):
        self.ufunc = ufunc

    def __call__(self):
        for _, row in waves.iterrows():
            event = np.zeros((), dtype=in_dtype)
            for ch in channels:
                event[ch] = row[[f"{ch}_{i}" for i in range(samples)]].to_numpy(dtype=np.float32)
            out = self.ufunc(event)
            if out is None:
                continue
            rec = out[0][0]
            results.append({"counter": int(row["counter"]), **{n: float(rec[n]) for n in rec.dtype.names}})


spectrum_filter.rbTransfer = FeedEvents
with open(config_file) as f:
    config = yaml.safe_load(f)["find_peaks"]
spectrum_filter.find_peaks(source_list=[{}], sink_list=[{"dtype": out_dtype}], config_dict=config)
json.dump(results, sys.stdout)
