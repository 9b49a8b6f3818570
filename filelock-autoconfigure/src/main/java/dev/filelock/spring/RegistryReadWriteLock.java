package dev.filelock.spring;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The {@link ReadWriteLock} handed out by
 * {@link FileLockRegistry#obtainReadWrite(Object)}.
 */
record RegistryReadWriteLock(Lock readLock, Lock writeLock) implements ReadWriteLock {
}
