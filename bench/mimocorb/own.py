"""mimoCoRB 1.0.2 itself on a setup, headless. It prints its own "Execution time: …s - Events
processed: N" (bench h reads those) and then {"seconds": …} from the start of its workers to the end of the run (bench h compares RingScope with it on the same pipeline)."""
import builtins
import json
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
matplotlib.use = lambda *a, **k: None  # its GUI module asks for TkAgg; a bench machine has no display
builtins.input = lambda *a, **k: ""  # "Type <ret> to exit" at the end

from mimocorb.buffer_control import run_mimoDAQ  # noqa: E402

setup = os.path.abspath(sys.argv[1])
os.chdir(os.path.dirname(setup))
daq = run_mimoDAQ(os.path.basename(setup))
daq.setup()
t = time.time()
try:
    daq.run()
except AttributeError:
    pass  # mimoCoRB 1.0.2 logs the end to its GUI's queue, which is None without the GUI; the run is over by then
print(json.dumps({"seconds": time.time() - t}))
