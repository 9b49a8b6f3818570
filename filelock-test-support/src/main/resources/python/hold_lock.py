"""Hold a Python filelock lock on command, speaking the child protocol (dev.filelock.testing.ChildMain).

usage: hold_lock.py FileLock|SoftFileLock LOCK_PATH
prints READY, then answers each command on stdin with one line:
  acquire  -> "OK held" once the lock is held (waits as long as needed)
  release  -> "OK released" once it is released
  quit     -> "OK", then it releases what it holds and ends (so does the end of stdin)
"""
import sys

import filelock

lock = getattr(filelock, sys.argv[1])(sys.argv[2])


def answer(command):
    if command == "acquire":
        lock.acquire(timeout=-1)
        return "held"
    if command == "release":
        lock.release(force=True)
        return "released"
    raise ValueError("unknown command '%s'; known: ['acquire', 'release']" % command)


print("READY", flush=True)
for line in sys.stdin:
    words = line.split()
    if words == ["quit"]:
        print("OK", flush=True)
        break
    try:
        print("OK " + answer(words[0] if words else ""), flush=True)
    except Exception as error:  # the protocol's ERR reply: the loop goes on
        print(("ERR %s: %s" % (type(error).__name__, error)).replace("\n", " "), flush=True)
lock.release(force=True)
