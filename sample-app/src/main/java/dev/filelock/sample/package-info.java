/**
 * The sample application: an artifact cache shared by several processes, where file locks
 * make every download from the origin happen exactly once.
 */
@NullMarked
package dev.filelock.sample;

import org.jspecify.annotations.NullMarked;
