/**
 * Looks at locks without taking them (not API): the probe from outside and the message of
 * a timeout.
 */
@NullMarked
package dev.filelock.internal.diagnostics;

import org.jspecify.annotations.NullMarked;
