"""A Python peer speaking filelock's SoftReadWriteLock protocol (3.28), standard library only.

Debian's python3-filelock (3.9.0) predates SoftReadWriteLock, so this script implements the on-disk protocol as
filelock 3.28 does: the <P>.state SoftFileLock, the <P>.write and <P>.readers/<32 hex>.<pid> markers holding
"<token>\\n<pid>\\n<hostname>\\n" (0600, readers dir 0700), the mtime heartbeat, stale eviction through a tombstone,
and the two-phase writer. The interop tests drive it through the project's one child protocol
(dev.filelock.testing.ChildMain): it prints "READY", then answers each command on stdin with one "OK <data>" line
("ERR <reason>" for an unknown command):

  read <timeout s> | write <timeout s>   -> "OK acquired" or "OK timeout"
  release                                -> "OK released"
  check <marker path>                    -> "OK valid" or "OK malformed" (the strict marker parser)
  increment <counter file> <n>           -> "OK done" once it added one to the counter n times under the write lock
  quit                                   -> "OK", then it releases what it holds and ends

Usage: soft_rw_peer.py <lock path> <heartbeat s> <stale s> <poll s>

With FILELOCK_SOFT_RW=installed in the environment, the commands drive the installed filelock's own
SoftReadWriteLock (3.28 or later) instead, to check the Java lock against the real implementation.
"""

import os
import re
import secrets
import socket
import stat
import sys
import threading
import time
import uuid

MAX_MARKER = 1024
MARKER = re.compile(r"\A([0-9a-f]{32})\n([1-9][0-9]{0,9})\n([\x21-\x7e]{1,253})\n*\Z")


def parse(data):
    if not data or len(data) > MAX_MARKER:
        return None
    try:
        match = MARKER.match(data.decode("ascii"))
    except UnicodeDecodeError:
        return None
    if match is None or int(match[2]) > 2**31 - 1:
        return None
    return match[1]


def read_marker(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        return parse(os.read(fd, MAX_MARKER + 1)), os.fstat(fd).st_mtime
    finally:
        os.close(fd)


def create_marker(path, token):
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, f"{token}\n{os.getpid()}\n{socket.gethostname()}\n".encode("ascii"))
    finally:
        os.close(fd)


def unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def break_stale(path, stale):
    found = read_marker(path)
    if found is None:
        return
    token, mtime = found
    if time.time() - mtime <= stale:
        return
    if token is None:
        unlink(path)
        return
    tombstone = f"{path}.break.{os.getpid()}.{secrets.token_hex(16)}"
    try:
        os.rename(path, tombstone)
    except OSError:
        return
    after = read_marker(tombstone)
    if after is None or after[0] != token or after[1] > mtime:
        return
    unlink(tombstone)


class StateLock:
    """filelock 3.28's SoftFileLock with timeout -1, as SoftReadWriteLock uses it for <P>.state."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_TRUNC | os.O_NOFOLLOW
        while True:
            try:
                fd = os.open(self.path, flags, 0o666)
            except FileExistsError:
                self._break_if_dead()
                time.sleep(0.05)
                continue
            os.write(fd, f"{os.getpid()}\n{socket.gethostname()}\n".encode())
            os.close(fd)
            return self

    def _break_if_dead(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                lines = f.read().strip().splitlines()
            if len(lines) != 2 or lines[1] != socket.gethostname():
                return
            os.kill(int(lines[0]), 0)
        except ProcessLookupError:
            broken = f"{self.path}.break.{os.getpid()}"
            try:
                os.rename(self.path, broken)
                os.unlink(broken)
            except OSError:
                pass
        except (OSError, ValueError):
            pass

    def __exit__(self, *exc):
        unlink(self.path)


class Peer:
    def __init__(self, lock_file, heartbeat, stale, poll):
        self.write = lock_file + ".write"
        self.readers = lock_file + ".readers"
        self.state = StateLock(lock_file + ".state")
        self.heartbeat, self.stale, self.poll = heartbeat, stale, poll
        self.held = None

    def _readers_dir(self):
        try:
            os.mkdir(self.readers, 0o700)
        except FileExistsError:
            pass
        st = os.lstat(self.readers)
        if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
            raise RuntimeError(f"{self.readers} exists but is not a directory or is a symlink; refusing to use it")

    def _write_exists(self):
        try:
            return stat.S_ISREG(os.lstat(self.write).st_mode)
        except FileNotFoundError:
            return False

    def _wait(self, predicate, deadline):
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(self.poll, max(deadline - time.monotonic(), 0)))
        return True

    def acquire(self, mode, timeout):
        self._readers_dir()
        deadline = time.monotonic() + timeout
        token = secrets.token_hex(16)
        if mode == "read":
            marker = os.path.join(self.readers, f"{uuid.uuid4().hex}.{os.getpid()}")

            def claim():
                with self.state:
                    break_stale(self.write, self.stale)
                    if self._write_exists():
                        return False
                    create_marker(marker, token)
                    return True

            if not self._wait(claim, deadline):
                return False
        else:
            marker = self.write

            def claim():
                with self.state:
                    break_stale(self.write, self.stale)
                    if self._write_exists():
                        return False
                    try:
                        create_marker(self.write, token)
                    except FileExistsError:
                        return False
                    return True

            def drained():
                with self.state:
                    try:
                        os.utime(self.write)
                    except OSError:
                        pass
                    for name in os.listdir(self.readers):
                        if not (name.startswith(".") or ".break" in name):
                            break_stale(os.path.join(self.readers, name), self.stale)
                    return not any(
                        not (n.startswith(".") or ".break" in n) for n in os.listdir(self.readers)
                    )

            if not self._wait(claim, deadline):
                return False
            if not self._wait(drained, deadline):
                unlink(self.write)
                return False
        stop = threading.Event()

        def beat():
            while not stop.wait(self.heartbeat):
                found = read_marker(marker)
                if found is None or found[0] != token:
                    return
                os.utime(marker)

        thread = threading.Thread(target=beat, name="filelock-heartbeat", daemon=True)
        thread.start()
        self.held = (marker, stop, thread)
        return True

    def release(self):
        marker, stop, thread = self.held
        self.held = None
        stop.set()
        thread.join()
        unlink(marker)


class InstalledPeer:
    """The same commands on the installed filelock's SoftReadWriteLock."""

    def __init__(self, lock_file, heartbeat, stale, poll):
        from filelock import SoftReadWriteLock

        self.lock = SoftReadWriteLock(
            lock_file, heartbeat_interval=heartbeat, stale_threshold=stale, poll_interval=poll, is_singleton=False
        )
        self.held = None

    def acquire(self, mode, timeout):
        from filelock import Timeout

        try:
            (self.lock.acquire_read if mode == "read" else self.lock.acquire_write)(timeout)
        except Timeout:
            return False
        self.held = mode
        return True

    def release(self):
        self.held = None
        self.lock.release()


def reply(data):
    print("OK", data, flush=True)


def answer(peer, command, args):
    if command in ("read", "write"):
        reply("acquired" if peer.acquire(command, float(args[0])) else "timeout")
    elif command == "release":
        peer.release()
        reply("released")
    elif command == "increment":
        for _ in range(int(args[1])):
            if not peer.acquire("write", 60):
                raise SystemExit("no write lock within 60 s")
            with open(args[0]) as f:
                value = int(f.read().strip())
            with open(args[0], "w") as f:
                f.write(str(value + 1))
            peer.release()
        reply("done")
    elif command == "check":
        with open(args[0], "rb") as f:
            reply("malformed" if parse(f.read()) is None else "valid")
    else:
        print("ERR unknown command '%s'" % command, flush=True)


def main():
    lock_file, heartbeat, stale, poll = sys.argv[1], *map(float, sys.argv[2:5])
    installed = os.environ.get("FILELOCK_SOFT_RW") == "installed"
    peer = (InstalledPeer if installed else Peer)(lock_file, heartbeat, stale, poll)
    print("READY", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command == "quit":
            print("OK", flush=True)
            break
        try:
            answer(peer, command, args)
        except Exception as failure:  # the reply carries it and the loop goes on, as in ChildMain
            print("ERR", (type(failure).__name__ + ": " + str(failure)).replace("\n", " "), flush=True)
    if peer.held is not None:
        peer.release()


if __name__ == "__main__":
    main()
