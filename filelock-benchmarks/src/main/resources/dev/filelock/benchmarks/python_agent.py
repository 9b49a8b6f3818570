"""Python side of the filelock benchmarks; run with Debian's /usr/bin/python3 and python3-filelock.

Both roles speak the project's one child protocol (dev.filelock.testing.ChildMain): "READY" once they read commands,
then one reply line per command, "OK <data>" or "ERR <reason>"; "quit" or the end of stdin ends them.

  python_agent.py handoff filelock|sqlite-write PATH
      A handoff agent like the Java child: "acquire" -> "OK <monotonic ns after>", "release" -> "OK <monotonic ns
      before>". time.monotonic_ns() and Java's System.nanoTime() both read CLOCK_MONOTONIC, so stamps from different
      processes compare.
  python_agent.py uncontended PATH SECONDS
      "measure" -> "OK <ns>": the median ns per `with FileLock(path):` over five batches after a warm-up.
"""
import sqlite3
import sys
import time

import filelock


class SqliteWriteLock:
    """The write side of filelock.ReadWriteLock's protocol (python-filelock-spec section 9), which 3.9.0 lacks."""

    def __init__(self, path):
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    def acquire(self):
        self._connection.execute("PRAGMA busy_timeout=1999999999;")
        self._connection.execute("PRAGMA journal_mode=MEMORY;").fetchall()
        self._connection.execute("BEGIN EXCLUSIVE TRANSACTION;")

    def release(self):
        self._connection.execute("ROLLBACK;")


def serve(handlers):
    """The command loop of the child protocol: each handler returns the reply's data, or None for a bare OK."""
    print("READY", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            print("OK", flush=True)
            return
        handler = handlers.get(words[0])
        if handler is None:
            print("ERR unknown command '%s'; known: %s" % (words[0], sorted(handlers)), flush=True)
            continue
        try:
            data = handler(*words[1:])
        except Exception as failure:  # the reply carries it; the loop goes on, as in ChildMain
            print("ERR", (type(failure).__name__ + ": " + str(failure)).replace("\n", " "), flush=True)
            continue
        print("OK" if data is None else "OK %s" % data, flush=True)


def handoff(kind, path):
    lock = filelock.FileLock(path) if kind == "filelock" else SqliteWriteLock(path)

    def acquire():
        lock.acquire()
        return time.monotonic_ns()

    def release():
        released = time.monotonic_ns()
        lock.release()
        return released

    serve({"acquire": acquire, "release": release})


def uncontended(path, seconds):
    lock = filelock.FileLock(path)
    batch = seconds / 6.0

    def run_for(duration):
        count = 0
        start = time.perf_counter_ns()
        end = start + int(duration * 1e9)
        now = start
        while now < end:
            for _ in range(50):
                with lock:
                    pass
            count += 50
            now = time.perf_counter_ns()
        return (now - start) / count

    def measure():
        run_for(batch)
        results = sorted(run_for(batch) for _ in range(5))
        return int(results[2])

    serve({"measure": measure})


def main():
    if sys.argv[1] == "handoff":
        handoff(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "uncontended":
        uncontended(sys.argv[2], float(sys.argv[3]))
    else:
        raise ValueError("unknown role " + sys.argv[1])


if __name__ == "__main__":
    main()
