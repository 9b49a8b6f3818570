/**
 * Implementation shared by every subsystem (not API): lock options, deadlines, threads,
 * failures, lock paths and the confined walk, the protocol enum, the neutral snapshots of
 * lock entries, and the backend interfaces the engines drive.
 */
@NullMarked
package dev.filelock.internal;

import org.jspecify.annotations.NullMarked;
