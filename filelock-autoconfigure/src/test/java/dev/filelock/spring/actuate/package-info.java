/** Tests of the actuator endpoint, health indicator and metrics. */
@NullMarked
package dev.filelock.spring.actuate;

import org.jspecify.annotations.NullMarked;
