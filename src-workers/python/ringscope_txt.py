"""rb_toTxtfile: the text export of mimoCoRB 1.0.2, adapted (BSD-2-Clause, Quast et al.,
https://github.com/GuenterQuast/mimoCoRB). The file is the one mimoCoRB writes —
<directory_prefix>/<filename>.txt, tab-separated, a header of the metadata and field
names with header_alias applied, one line per event formatted by pandas in each
column's dtype — but rows are appended a batch at a time, not one file open per event.
"""

import pandas as pd

import ringscope_context as rc


class rb_toTxtfile:
    """Saves events of the first source buffer (values_per_slot must be 1) to a text file."""

    def __init__(self, source_list=None, config_dict=None, **rb_info):
        if source_list is None:
            raise ValueError("Faulty ring buffer configuration passed ('source_list' missing)!")
        if config_dict is None:
            raise ValueError("Faulty configuration passed ('config_dict' missing)!")
        self.source = rc.Reader(source_list[0])
        if not (self.source.values_per_slot == 1):
            raise ValueError("LogToTxt can only save single buffer lines! " + "(Make sure: bm.Reader.values_per_slot == 1 )")
        self.filename = config_dict["directory_prefix"] + "/" + config_dict["filename"] + ".txt"
        alias = config_dict["header_alias"] if "header_alias" in config_dict else {}
        self.names = []
        self.header = []
        self.dtypes = []
        for name, dtype in list(self.source.metadata_dtype) + list(self.source.dtype):
            self.names.append(name)
            self.header.append(alias[name] if name in alias else name)
            self.dtypes.append(dtype)
        df = pd.DataFrame({k: pd.Series(dtype=v) for k, v in zip(self.header, self.dtypes)})
        df.to_csv(self.filename, sep="\t", index=False)
        rc.ctx.link.send_json("F", {"path": self.filename, "buffer": self.source.info["name"]})

    def _write(self, rows):
        if not rows:
            return
        cols = {}
        for i, (h, dt) in enumerate(zip(self.header, self.dtypes)):
            cols[h] = pd.Series([r[i] for r in rows]).astype(dt)
        pd.DataFrame(cols).to_csv(self.filename, mode="a", sep="\t", header=False, index=False)

    def __call__(self):
        rows = []
        while True:
            if not self.source.queue and rows:
                self._write(rows)  # before waiting for more: what arrived is on the disk
                rows = []
            input_data = self.source.get()
            if input_data is None:
                break
            counter, timestamp, deadtime = self.source.get_metadata()
            rec = input_data[0]
            rows.append([counter, timestamp, deadtime] + [rec[n] for n in self.names[3:]])
        self._write(rows)
