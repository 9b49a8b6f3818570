/**
 * The exclusive engine (not API): one entry per canonical path and protocol, reentrant
 * holds and owners, waiters woken in memory, over an
 * {@link dev.filelock.internal.ExclusiveBackend}.
 */
@NullMarked
package dev.filelock.internal.exclusive;

import org.jspecify.annotations.NullMarked;
