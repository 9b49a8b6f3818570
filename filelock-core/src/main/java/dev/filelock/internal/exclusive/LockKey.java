package dev.filelock.internal.exclusive;

import dev.filelock.internal.LockProtocol;
import java.nio.file.Path;

/** The JVM-wide identity of an exclusive lock: canonical path and mechanism. */
public record LockKey(Path canonicalPath, LockProtocol kind) {}
