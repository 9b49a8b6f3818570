/**
 * The {@code sqlite} protocol (not API): Python's SQLite read/write lock over
 * sqlite-jdbc.
 */
@NullMarked
package dev.filelock.internal.sqlite;

import org.jspecify.annotations.NullMarked;
