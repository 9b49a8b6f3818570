/**
 * Spring support for filelock: {@link dev.filelock.spring.FileLockRegistry}, a Spring
 * Integration lock registry of file locks under one directory, and
 * {@link dev.filelock.spring.FileLocked}, which runs a method while holding a file lock.
 */
@NullMarked
package dev.filelock.spring;

import org.jspecify.annotations.NullMarked;
