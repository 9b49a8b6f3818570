/**
 * The {@code filelocks} actuator endpoint: the locks this JVM holds or waits for,
 * whatever the lock backend.
 */
@NullMarked
package dev.filelock.spring.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
