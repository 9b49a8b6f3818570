"""A peer that deletes the lock file on release, as Python filelock 3.28's UnixFileLock does.

Acquire: open(O_RDWR|O_CREAT|O_TRUNC|O_NOFOLLOW), flock(LOCK_EX|LOCK_NB), and retry if the locked inode was already
unlinked (st_nlink == 0). Release: unlink the path, then flock(LOCK_UN), then close. Polls every millisecond (3.28
polls every 50 ms) to make the races frequent.

usage: unlinking_peer.py LOCK_PATH COUNTER_PATH N
speaks the child protocol (dev.filelock.testing.ChildMain): prints READY, then answers the command "count" by
incrementing the counter N times under the lock with "OK N"; "quit" (or the end of stdin) ends it.
"""
import fcntl
import os
import sys
import time

lock_path, counter_path, times = sys.argv[1], sys.argv[2], int(sys.argv[3])


def acquire():
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            time.sleep(0.001)
            continue
        if os.fstat(fd).st_nlink == 0:
            os.close(fd)
            continue
        return fd


def release(fd):
    os.unlink(lock_path)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def count():
    for _ in range(times):
        fd = acquire()
        try:
            text = open(counter_path).read().strip() if os.path.exists(counter_path) else ""
            value = int(text) if text else 0
            with open(counter_path, "w") as counter:
                counter.write(str(value + 1))
        finally:
            release(fd)
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
