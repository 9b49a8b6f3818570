/**
 * The JNA bindings to libc (not API): descriptors, {@code flock}, {@code stat}, signals,
 * file times, and the kernel's lock table.
 */
@NullMarked
package dev.filelock.internal.posix;

import org.jspecify.annotations.NullMarked;
