"""Hold a Python filelock lock until a line (or EOF) arrives on stdin.

usage: hold_lock.py FileLock|SoftFileLock LOCK_PATH
prints HELD once the lock is held and RELEASED after releasing it.
"""
import sys

import filelock

lock = getattr(filelock, sys.argv[1])(sys.argv[2])
with lock.acquire(timeout=-1):
    print("HELD", flush=True)
    sys.stdin.readline()
print("RELEASED", flush=True)
