/**
 * Support for {@code filelock.backend=jdbc}: a lock repository on the database's clock
 * and the lock's own connections, lease renewal with loss detection, bounded waits and
 * the cleanup of expired rows, around Spring Integration's {@code JdbcLockRegistry}.
 */
@NullMarked
package dev.filelock.spring.jdbc;

import org.jspecify.annotations.NullMarked;
