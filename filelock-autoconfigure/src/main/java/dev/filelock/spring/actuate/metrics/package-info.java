/** Micrometer meters of file locks that observations do not cover. */
@NullMarked
package dev.filelock.spring.actuate.metrics;

import org.jspecify.annotations.NullMarked;
