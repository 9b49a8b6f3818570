/**
 * The JMH benchmarks: each class measures one of our operations and, as a separate method
 * of the same class, its anchor, so both come from the same run.
 */
@NullMarked
package dev.filelock.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
