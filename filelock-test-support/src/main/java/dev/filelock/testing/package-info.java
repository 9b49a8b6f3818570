/**
 * What the tests and benchmarks of every module share to run and drive child processes:
 * {@link dev.filelock.testing.ChildJvm} (the one child-JVM driver),
 * {@link dev.filelock.testing.ChildProcess} (a running child),
 * {@link dev.filelock.testing.ChildMain} (the one child protocol, the child's side), the
 * Python and prerequisite helpers; independent of filelock-core, so that core's own tests
 * can use it.
 */
@NullMarked
package dev.filelock.testing;

import org.jspecify.annotations.NullMarked;
