/** The {@code filelocks} actuator endpoint: the file locks this JVM holds or waits for. */
@NullMarked
package dev.filelock.spring.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
