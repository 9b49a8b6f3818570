/**
 * The {@code native} protocol (not API): {@code flock(2)} exclusive and read/write
 * backends, and the Windows byte-range lock.
 */
@NullMarked
package dev.filelock.internal.flock;

import org.jspecify.annotations.NullMarked;
