/**
 * Auto-configuration of the file lock registry and the
 * {@link dev.filelock.spring.FileLocked} advisor.
 */
@NullMarked
package dev.filelock.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
