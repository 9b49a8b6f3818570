/**
 * Benchmarks of filelock against its anchors (issue #8): JMH for the in-process figures,
 * child JVMs and Python processes for handoff, contention and waiting CPU;
 * {@link dev.filelock.benchmarks.Main} runs the whole set and prints the table that
 * {@code BENCHMARKS.md} records.
 */
@NullMarked
package dev.filelock.benchmarks;

import org.jspecify.annotations.NullMarked;
