// The setup that File ▸ New (and the window's New) starts from: built-in
// functions only, so it runs as it is. Pure text, shared by the desktop app and
// the window's setup editor.

/** A small runnable setup: this computer's sensors once a second into a ring buffer and a CSV file. */
export const NEW_SETUP_TEMPLATE = `# A new RingScope setup. As it stands it reads this computer's sensors once a
# second into a ring buffer and writes them to a CSV file; change the buffers and
# functions to build your own experiment (README: "Setup files").
title: New setup
description: CPU load, memory in use and battery charge, every second, to CSV.
output_directory: target        # run directories go here (relative to this file)

RingBuffer:
  - RB_1:
      number_of_slots: 16       # events the buffer holds
      channel_per_slot: 1       # values per field in one event
      data_type:
        1: [time, float64]
        2: [cpu, float64]
        3: [memory, float64]
        4: [battery, float64]

Functions:
  - Fkt_main: {runtime: 0, runevents: 0}   # 0: no limit (Stop ends the run)
  - Fkt_1:
      file_name: builtin:sources/sensors
      fkt_name: read_sensors
      num_process: 1
      RB_assign: {RB_1: write}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      num_process: 1
      RB_assign: {RB_1: read}
      config: {filename: sensors, format: csv}   # csv: not mimoCoRB's .txt

FunctionConfigs:
  read_sensors:
    dt: 1   # seconds between readings
`;
