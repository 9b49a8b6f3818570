package dev.filelock;

import java.nio.file.Path;

/** The JVM-wide identity of an exclusive lock: canonical path and mechanism. */
record LockKey(Path canonicalPath, LockKind kind) {}
