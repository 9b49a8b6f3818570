/**
 * Micrometer meters of file locks that observations do not cover: the
 * {@code filelock.active} gauge of every backend, the {@code filelock.skipped} counter
 * and the jdbc lease meters.
 */
@NullMarked
package dev.filelock.spring.actuate.metrics;

import org.jspecify.annotations.NullMarked;
