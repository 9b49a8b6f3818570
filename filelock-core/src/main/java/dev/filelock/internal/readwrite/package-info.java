/**
 * The read/write engine (not API): one entry per canonical path and protocol, readers
 * sharing one OS-level hold, writers excluding all, over a
 * {@link dev.filelock.internal.ReadWriteBackend}.
 */
@NullMarked
package dev.filelock.internal.readwrite;

import org.jspecify.annotations.NullMarked;
