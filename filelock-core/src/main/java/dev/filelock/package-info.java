/**
 * Cross-process file locks for Java, interoperable with Python's {@code filelock}.
 *
 * <p>
 * Start with {@link dev.filelock.FileLock#of(java.nio.file.Path)} (a native
 * {@code flock(2)} lock), {@link dev.filelock.SoftFileLock#of(java.nio.file.Path)} (a
 * marker-file lock for filesystems without working {@code
 * flock}), {@link dev.filelock.NativeReadWriteFileLock} ({@code flock} shared and
 * exclusive), {@link dev.filelock.ReadWriteFileLock} (SQLite) and
 * {@link dev.filelock.SoftReadWriteFileLock}; {@link dev.filelock.ConfinedDirectory}
 * keeps locks under a directory from following links out of it. The implementation lives
 * in {@code dev.filelock.internal} and its subpackages, which the module does not export.
 */
@NullMarked
package dev.filelock;

import org.jspecify.annotations.NullMarked;
