"""Increment a decimal counter file under a Python filelock lock.

usage: count.py FileLock|SoftFileLock LOCK_PATH COUNTER_PATH N
prints READY, waits for a line on stdin, increments N times (read, add one, write; each under the lock)
and prints INCREMENTS N.
"""
import os
import sys

import filelock

kind, lock_path, counter_path, times = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lock = getattr(filelock, kind)(lock_path, timeout=-1)
print("READY", flush=True)
sys.stdin.readline()
for _ in range(times):
    with lock:
        text = open(counter_path).read().strip() if os.path.exists(counter_path) else ""
        value = int(text) if text else 0
        with open(counter_path, "w") as counter:
            counter.write(str(value + 1))
print(f"INCREMENTS {times}", flush=True)
