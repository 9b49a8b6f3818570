"""A fuzz participant on Python's filelock, the counterpart of the Java FuzzParticipant.

usage: fuzz_peer.py FileLock|SoftFileLock LOCK_FILE COUNTER_FILE LOG_FILE LABEL SEED
prints RUNNING, then until killed: acquires the lock (waiting forever, with a timeout or not at all, at random), and
inside reads the counter, appends "ENTER label op W value nanos" to the log, writes value + 1 (through a renamed
temporary file), appends "EXIT label op W value+1 nanos" and releases; reentrant levels at random.
"""
import os
import random
import sys
import time

import filelock

kind, lock_file, counter_file, log_file, label, seed = sys.argv[1:7]
rng = random.Random(int(seed))
lock = getattr(filelock, kind)(lock_file)
log = os.open(log_file, os.O_WRONLY | os.O_APPEND)
scratch = f"{counter_file}.{label}.tmp"


def append(line):
    os.write(log, (line + "\n").encode())


def read_counter():
    try:
        with open(counter_file) as counter:
            text = counter.read().strip()
    except FileNotFoundError:
        text = ""
    return int(text) if text else 0


def section(op):
    value = read_counter()
    append(f"ENTER {label} {op} W {value} {time.monotonic_ns()}")
    with open(scratch, "w") as counter:
        counter.write(str(value + 1))
    os.replace(scratch, counter_file)
    time.sleep(rng.random() * 0.003)
    append(f"EXIT {label} {op} W {value + 1} {time.monotonic_ns()}")


print("RUNNING", flush=True)
op = 0
while True:
    op += 1
    timeout = rng.choice([-1, 0, rng.random() * 0.3])
    try:
        lock.acquire(timeout=timeout, poll_interval=0.01)
    except filelock.Timeout:
        continue
    try:
        if rng.random() < 0.2:
            with lock:  # a reentrant level
                section(op)
        else:
            section(op)
    finally:
        lock.release()
    time.sleep(rng.random() * 0.004)
