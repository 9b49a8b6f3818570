"""Make one attempt at a Python filelock lock, as FileLock(path, timeout=0) does.

usage: try_lock.py FileLock|SoftFileLock LOCK_PATH
prints TIMEOUT when filelock.Timeout was raised, ACQUIRED when the lock was free (and releases it at once).
"""
import sys

import filelock

lock = getattr(filelock, sys.argv[1])(sys.argv[2], timeout=0)
try:
    lock.acquire()
except filelock.Timeout:
    print("TIMEOUT", flush=True)
else:
    lock.release()
    print("ACQUIRED", flush=True)
