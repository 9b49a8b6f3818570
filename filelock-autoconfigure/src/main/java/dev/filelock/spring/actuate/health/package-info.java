/** The {@code filelock} health indicator: can locks be taken in the lock directory. */
@NullMarked
package dev.filelock.spring.actuate.health;

import org.jspecify.annotations.NullMarked;
