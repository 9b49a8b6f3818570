/** The advisor that applies {@link dev.filelock.spring.FileLocked} to Spring beans. */
@NullMarked
package dev.filelock.spring.aop;

import org.jspecify.annotations.NullMarked;
