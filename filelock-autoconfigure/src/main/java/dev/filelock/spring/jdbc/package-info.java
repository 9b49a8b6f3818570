/**
 * Support for {@code filelock.backend=jdbc}: keeping the leases of Spring Integration's {@code JdbcLockRegistry} locks
 * alive while {@link dev.filelock.spring.FileLocked} methods run.
 */
@NullMarked
package dev.filelock.spring.jdbc;

import org.jspecify.annotations.NullMarked;
