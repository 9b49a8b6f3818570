"""Python side of the filelock benchmarks; run with Debian's /usr/bin/python3 and python3-filelock.

  python_agent.py handoff filelock|sqlite-write PATH
      A handoff agent speaking the same protocol as the Java child: "acquire" -> "acquired <monotonic ns after>",
      "release" -> "released <monotonic ns before>". time.monotonic_ns() and Java's System.nanoTime() both read
      CLOCK_MONOTONIC, so stamps from different processes compare.
  python_agent.py uncontended PATH SECONDS
      Median ns per `with FileLock(path):` over five batches after a warm-up; answers "result <ns>".
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


def handoff(kind, path):
    lock = filelock.FileLock(path) if kind == "filelock" else SqliteWriteLock(path)
    print("ready", flush=True)
    for command in sys.stdin:
        command = command.strip()
        if command == "acquire":
            lock.acquire()
            acquired = time.monotonic_ns()
            print("acquired", acquired, flush=True)
        elif command == "release":
            released = time.monotonic_ns()
            lock.release()
            print("released", released, flush=True)
        elif command == "quit":
            return
        else:
            raise ValueError("unknown command " + command)


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

    run_for(batch)
    results = sorted(run_for(batch) for _ in range(5))
    print("result", int(results[2]), flush=True)


def main():
    if sys.argv[1] == "handoff":
        handoff(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "uncontended":
        uncontended(sys.argv[2], float(sys.argv[3]))
    else:
        raise ValueError("unknown role " + sys.argv[1])


if __name__ == "__main__":
    main()
