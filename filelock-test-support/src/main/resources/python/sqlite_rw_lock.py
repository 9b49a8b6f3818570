"""Python filelock's ReadWriteLock protocol (spec section 9), written with the standard sqlite3 module only.

Debian's python3-filelock 3.9.0 has no ReadWriteLock, so this reproduces its statements exactly:
PRAGMA busy_timeout, PRAGMA journal_mode=MEMORY, BEGIN EXCLUSIVE TRANSACTION to write,
BEGIN TRANSACTION + SELECT name FROM sqlite_schema LIMIT 1 to read, rollback to release.

usage: sqlite_rw_lock.py <path>
speaks the child protocol (dev.filelock.testing.ChildMain): prints READY, then answers each command on stdin with one
line:
  hold read|write  -> "OK held" once acquired (waiting as long as needed); the lock is kept
  release          -> "OK released" once what is kept is released (rollback)
  try read|write   -> one attempt (busy_timeout 0), released at once: "OK acquired" or "OK busy"
  quit             -> "OK", then it releases what it holds and ends (so does the end of stdin)
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


def connect(path, busy_timeout_ms):
    connection = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=%d;" % busy_timeout_ms)
    return connection


def release(connection):
    connection.execute("ROLLBACK;")
    connection.close()


def main():
    path = sys.argv[1]
    held = []

    def answer(command, args):
        if command == "hold":
            connection = connect(path, FOREVER_MS)
            acquire(connection, args[0])
            held.append(connection)
            return "held"
        if command == "release":
            while held:
                release(held.pop())
            return "released"
        if command == "try":
            connection = connect(path, 0)
            try:
                acquire(connection, args[0])
            except sqlite3.OperationalError as error:
                connection.close()
                if "database is locked" not in str(error):
                    raise
                return "busy"
            release(connection)
            return "acquired"
        raise ValueError("unknown command '%s'; known: ['hold', 'release', 'try']" % command)

    print("READY", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words == ["quit"]:
            print("OK", flush=True)
            break
        try:
            print("OK " + answer(words[0] if words else "", words[1:]), flush=True)
        except Exception as error:  # the protocol's ERR reply: the loop goes on
            print(("ERR %s: %s" % (type(error).__name__, error)).replace("\n", " "), flush=True)
    while held:
        release(held.pop())


if __name__ == "__main__":
    main()
