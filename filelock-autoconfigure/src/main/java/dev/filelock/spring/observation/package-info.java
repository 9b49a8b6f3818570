/**
 * The Micrometer observations of file locks:
 * {@link dev.filelock.spring.observation.FileLockObservation} documents
 * {@code filelock.acquire} and {@code filelock.held} and their keys, and a
 * {@link dev.filelock.spring.observation.FileLockObservationConvention} bean replaces the
 * default key values.
 */
@NullMarked
package dev.filelock.spring.observation;

import org.jspecify.annotations.NullMarked;
