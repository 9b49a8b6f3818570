/**
 * Tests of {@code @FileLocked} applied by AspectJ weaving
 * ({@code @EnableFileLocking(mode = AdviceMode.ASPECTJ)}).
 */
@NullMarked
package dev.filelock.spring.aspectj;

import org.jspecify.annotations.NullMarked;
