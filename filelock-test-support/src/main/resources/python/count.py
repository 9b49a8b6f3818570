"""Increment a decimal counter file under a Python filelock lock.

usage: count.py FileLock|SoftFileLock LOCK_PATH COUNTER_PATH N
speaks the child protocol (dev.filelock.testing.ChildMain): prints READY, then answers the command "count" by
incrementing N times (read, add one, write; each under the lock) with "OK N"; "quit" (or the end of stdin) ends it.
"""
import os
import sys

import filelock

kind, lock_path, counter_path, times = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lock = getattr(filelock, kind)(lock_path, timeout=-1)


def count():
    for _ in range(times):
        with lock:
            text = open(counter_path).read().strip() if os.path.exists(counter_path) else ""
            value = int(text) if text else 0
            with open(counter_path, "w") as counter:
                counter.write(str(value + 1))
    return times


print("READY", flush=True)
for line in sys.stdin:
    words = line.split()
    if words == ["quit"]:
        print("OK", flush=True)
        break
    if words == ["count"]:
        try:
            print("OK %d" % count(), flush=True)
        except Exception as error:  # the protocol's ERR reply: the loop goes on
            print(("ERR %s: %s" % (type(error).__name__, error)).replace("\n", " "), flush=True)
    else:
        print("ERR unknown command '%s'; known: ['count']" % line.strip(), flush=True)
