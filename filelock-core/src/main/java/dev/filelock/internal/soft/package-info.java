/**
 * The {@code soft} and {@code soft-read-write} protocols (not API): everything created
 * with {@code O_EXCL}; a <em>marker</em> is only such a file.
 */
@NullMarked
package dev.filelock.internal.soft;

import org.jspecify.annotations.NullMarked;
