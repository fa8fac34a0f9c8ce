#!/usr/bin/env python3
"""Runtime counters of the service during one load, from `dotnet-counters collect --format csv`.

    python3 bench/counters.py COUNTERS.csv

Reads the EventCounters of System.Runtime (they report the thread pool's queue length and thread
count as levels; the System.Runtime meter reports those two as changes per second) sampled once a
second, and prints the median and the largest sample of those that say where time can be lost
outside the request's own stages: thread-pool queueing, GC pauses, lock contention, JIT, allocation.
"""
import csv
import statistics
import sys

# counter name in the CSV -> (label, scale to the printed unit)
COUNTERS = {
    "CPU Usage (%)": ("process CPU, % of all cores", 1),
    "ThreadPool Queue Length": ("thread-pool queue length, work items", 1),
    "ThreadPool Thread Count": ("thread-pool threads", 1),
    "ThreadPool Completed Work Item Count (Count / 1 sec)": ("thread-pool work items / s", 1),
    "Time paused by GC (ms / 1 sec)": ("GC pauses, % of the time", 0.1),
    "Gen 0 GC Count (Count / 1 sec)": ("gen0 collections / s", 1),
    "Gen 1 GC Count (Count / 1 sec)": ("gen1 collections / s", 1),
    "Gen 2 GC Count (Count / 1 sec)": ("gen2 collections / s", 1),
    "Allocation Rate (B / 1 sec)": ("allocated, MB / s", 1e-6),
    "Monitor Lock Contention Count (Count / 1 sec)": ("lock contentions / s", 1),
    "Time spent in JIT (ms / 1 sec)": ("JIT, % of the time", 0.1),
    "Working Set (MB)": ("working set, MB", 1),
}


def main():
    samples = {}
    for row in csv.DictReader(open(sys.argv[1])):
        name = row["Counter Name"]
        if name in COUNTERS:
            samples.setdefault(name, []).append(float(row["Mean/Increment"]) * COUNTERS[name][1])
    if not samples:
        sys.exit(f"{sys.argv[1]}: no System.Runtime EventCounters found")
    seconds = max(len(values) for values in samples.values())
    print(f"  {'runtime counter (dotnet-counters, ' + str(seconds) + ' one-second samples)':<58} {'median':>9} {'max':>9}")
    for name, (label, _) in COUNTERS.items():
        values = samples.get(name)
        if values:
            print(f"  {label:<58} {statistics.median(values):>9.1f} {max(values):>9.1f}")


if __name__ == "__main__":
    main()
