package dev.filelock.spring.processes;

import dev.filelock.spring.FileLockRegistry;
import dev.filelock.testing.Signals;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.leader.Candidate;
import org.springframework.integration.leader.Context;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * A child-JVM application that runs for leadership with Spring Integration's
 * {@link LockRegistryLeaderInitiator} on the auto-configured {@link FileLockRegistry},
 * logging "granted", "revoked" and its first "denied" attempt to a shared events file. It
 * runs until killed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class LeaderApplication {

    public static void main(String[] args) throws Exception {
        new SpringApplicationBuilder(LeaderApplication.class).web(WebApplicationType.NONE).run(args);
        Thread.currentThread().join();
    }

    @Bean
    LockRegistryLeaderInitiator leaderInitiator(FileLockRegistry registry, @Value("${name}") String name,
            @Value("${events}") Path events) {
        AtomicBoolean deniedOnce = new AtomicBoolean();
        LockRegistry<Lock> reporting = (key) -> new ReportingLock(registry.obtain(key), () -> {
            if (deniedOnce.compareAndSet(false, true)) {
                Signals.append(events, "denied " + name);
            }
        });
        LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(reporting, new Candidate() {

            @Override
            public String getRole() {
                return "leader";
            }

            @Override
            public String getId() {
                return name;
            }

            @Override
            public void onGranted(Context context) {
                Signals.append(events, "granted " + name);
            }

            @Override
            public void onRevoked(Context context) {
                Signals.append(events, "revoked " + name);
            }
        });
        initiator.setHeartBeatMillis(100);
        initiator.setBusyWaitMillis(20);
        return initiator;
    }

    /** Reports failed attempts of the registry's lock. */
    record ReportingLock(Lock delegate, Runnable onDenied) implements Lock {

        @Override
        public void lock() {
            this.delegate.lock();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            this.delegate.lockInterruptibly();
        }

        @Override
        public boolean tryLock() {
            return reported(this.delegate.tryLock());
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return reported(this.delegate.tryLock(time, unit));
        }

        @Override
        public void unlock() {
            this.delegate.unlock();
        }

        @Override
        public Condition newCondition() {
            return this.delegate.newCondition();
        }

        private boolean reported(boolean acquired) {
            if (!acquired) {
                this.onDenied.run();
            }
            return acquired;
        }
    }

}
