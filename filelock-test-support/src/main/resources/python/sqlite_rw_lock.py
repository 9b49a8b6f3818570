"""Python filelock's ReadWriteLock protocol (spec section 9), written with the standard sqlite3 module only.

Debian's python3-filelock 3.9.0 has no ReadWriteLock, so this reproduces its statements exactly:
PRAGMA busy_timeout, PRAGMA journal_mode=MEMORY, BEGIN EXCLUSIVE TRANSACTION to write,
BEGIN TRANSACTION + SELECT name FROM sqlite_schema LIMIT 1 to read, rollback to release.

usage: sqlite_rw_lock.py hold|try <path> read|write
  hold: acquire (waiting as long as needed), print "held", release after one line on stdin, print "released"
  try:  one attempt (busy_timeout 0), print "acquired" or "busy"
"""
import sqlite3
import sys

FOREVER_MS = 1_999_999_999  # what filelock uses for timeout=-1


def acquire(connection, mode):
    connection.execute("PRAGMA journal_mode=MEMORY;")
    if mode == "write":
        connection.execute("BEGIN EXCLUSIVE TRANSACTION;")
    else:
        connection.execute("BEGIN TRANSACTION;")
        connection.execute("SELECT name FROM sqlite_schema LIMIT 1;").fetchall()


def main():
    command, path, mode = sys.argv[1:4]
    connection = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=%d;" % (FOREVER_MS if command == "hold" else 0))
    try:
        acquire(connection, mode)
    except sqlite3.OperationalError as error:
        if "database is locked" not in str(error):
            raise
        print("busy", flush=True)
        return
    print("held" if command == "hold" else "acquired", flush=True)
    if command == "hold":
        sys.stdin.readline()
    connection.execute("ROLLBACK;")
    connection.close()
    print("released", flush=True)


if __name__ == "__main__":
    main()
