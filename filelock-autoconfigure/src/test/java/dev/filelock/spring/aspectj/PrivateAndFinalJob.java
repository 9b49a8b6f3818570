package dev.filelock.spring.aspectj;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.FileLocked;

/**
 * {@link FileLocked} on private and final methods, which only a woven aspect can lock
 * (proxy mode refuses them).
 */
public class PrivateAndFinalJob {

    private final FileLockRegistry registry;

    public PrivateAndFinalJob(FileLockRegistry registry) {
        this.registry = registry;
    }

    /** Calls the private locked method and returns what it saw. */
    public boolean privateMethodHeldItsLock() {
        return privateProbe();
    }

    /** Tells whether this thread's registry holds the method's own lock while it runs. */
    @FileLocked(path = "final.lock")
    public final boolean finalProbe() {
        return SelfInvokingJob.isHeld(this.registry, "final.lock");
    }

    @FileLocked(path = "private.lock")
    private boolean privateProbe() {
        return SelfInvokingJob.isHeld(this.registry, "private.lock");
    }

}
