package dev.filelock.internal.posix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.filelock.testing.ChildJvm;
import dev.filelock.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding of the hot system calls: which one this JVM uses (a JDK 22+ build must not
 * fall back to JNA unnoticed), that both report errno without exceptions exactly, and
 * what a JVM that denies native access gets.
 */
class NativeBindingTests {

    private static final int EBADF = 9;

    @TempDir
    Path directory;

    @Test
    void java22AndLaterUseTheForeignFunctionBindingAndOlderJavaJna() {
        String expected = Runtime.version().feature() >= 22 ? "ffm" : "jna";
        assertThat(NativeCalls.CURRENT.name()).as("binding on Java %s", Runtime.version()).isEqualTo(expected);
    }

    @Test
    void theCurrentBindingReportsFlockOutcomesAsErrno() throws IOException {
        assertFlockErrno(NativeCalls.CURRENT);
    }

    @Test
    void jnaWithoutDeclaredExceptionReportsErrnoOnEveryJava() throws IOException {
        assertFlockErrno(JnaCalls.load());
    }

    @Test
    void errnoBelongsToTheCallingThread() throws Exception {
        for (NativeCalls calls : bindings()) {
            int[] fds = twoDescriptors("threads-" + calls.name() + ".lock");
            try {
                assertThat(calls.flock(fds[0], Posix.LOCK_EX | Posix.LOCK_NB)).isZero();
                ExecutorService threads = Executors.newFixedThreadPool(2);
                try {
                    Callable<Boolean> refused = () -> repeat(() -> calls.flock(fds[1], Posix.LOCK_EX | Posix.LOCK_NB),
                            Posix.EWOULDBLOCK);
                    Callable<Boolean> badDescriptor = () -> repeat(() -> calls.flock(-1, Posix.LOCK_EX), EBADF);
                    List<Future<Boolean>> results = new ArrayList<>();
                    results.add(threads.submit(refused));
                    results.add(threads.submit(badDescriptor));
                    for (Future<Boolean> result : results) {
                        assertThat(result.get()).as(calls.name()).isTrue();
                    }
                }
                finally {
                    threads.shutdownNow();
                }
            }
            finally {
                closeAll(fds);
            }
        }
    }

    @Test
    void pathStatSeesTheFileAtThePathWithoutFollowingALink() throws IOException {
        for (NativeCalls calls : bindings()) {
            Path file = Files.createFile(directory.resolve("stat-" + calls.name() + ".lock"));
            int fd = Posix.open(Posix.cString(file), Posix.O_RDWR | Posix.O_CLOEXEC);
            try {
                Posix.FileIdentity opened = Posix.identity(fd);
                NativeCalls.PathStat stat = calls.pathStat(Posix.cString(file));
                assertThat(stat.lstat()).isZero();
                assertThat(new Posix.FileIdentity(stat.device(), stat.inode())).isEqualTo(opened);

                Files.delete(file);
                assertThat(stat.lstat()).isEqualTo(Posix.ENOENT);

                Files.createSymbolicLink(file, directory);
                assertThat(stat.lstat()).isZero();
                assertThat(stat.inode()).isNotEqualTo(opened.inode())
                    .isNotEqualTo(Posix.identity(Posix.cString(directory), new byte[StatCalls.BUFFER_SIZE]).inode());
            }
            finally {
                Posix.close(fd);
            }
        }
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_24)
    void aJvmThatDeniesNativeAccessFailsNamingTheFlag() {
        try (ChildProcess child = ChildJvm.builder("deny", NativeBindingChild.class)
            .jvmOptions(List.of("--illegal-native-access=deny"))
            .start(directory.toString())) {
            String outcome = child.awaitLine("failed: ");
            assertThat(outcome).contains("--enable-native-access=ALL-UNNAMED");
            assertThat(child.awaitExit()).isZero();
        }
        assertThat(directory.resolve("child.lock")).doesNotExist();
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_24)
    void aJvmThatEnablesNativeAccessAndDeniesTheRestLocksThroughTheForeignBinding() {
        try (ChildProcess child = ChildJvm.builder("enabled", NativeBindingChild.class)
            .jvmOptions(List.of("--enable-native-access=ALL-UNNAMED", "--illegal-native-access=deny"))
            .start(directory.toString())) {
            assertThat(child.awaitLine("binding ")).isEqualTo("binding ffm");
            assertThat(child.awaitLine("locked")).isEqualTo("locked");
            assertThat(child.awaitExit()).isZero();
        }
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_22)
    void thePropertyKeepsJnaOnJava22AndLater() {
        try (ChildProcess child = ChildJvm.builder("forced jna", NativeBindingChild.class)
            .jvmOptions(List.of("-D" + NativeBinding.PROPERTY + "=jna"))
            .start(directory.toString())) {
            assertThat(child.awaitLine("binding ")).isEqualTo("binding jna");
            assertThat(child.awaitLine("locked")).isEqualTo("locked");
            assertThat(child.awaitExit()).isZero();
        }
    }

    private void assertFlockErrno(NativeCalls calls) throws IOException {
        int[] fds = twoDescriptors("errno-" + calls.name() + ".lock");
        try {
            assertThat(calls.flock(fds[0], Posix.LOCK_EX | Posix.LOCK_NB)).isZero();
            assertThat(calls.flock(fds[1], Posix.LOCK_EX | Posix.LOCK_NB)).isEqualTo(Posix.EWOULDBLOCK);
            assertThat(calls.flock(-1, Posix.LOCK_UN)).isEqualTo(EBADF);
            // no stale errno after a failure
            assertThat(calls.flock(fds[0], Posix.LOCK_UN)).isZero();
            assertThat(calls.flock(fds[1], Posix.LOCK_EX | Posix.LOCK_NB)).isZero();
            assertThat(calls.flock(fds[0], Posix.LOCK_SH | Posix.LOCK_NB)).isEqualTo(Posix.EWOULDBLOCK);
            assertThat(calls.flock(fds[1], Posix.LOCK_UN)).isZero();
        }
        finally {
            closeAll(fds);
        }
    }

    private static List<NativeCalls> bindings() {
        return NativeCalls.CURRENT.name().equals("jna") ? List.of(NativeCalls.CURRENT)
                : List.of(NativeCalls.CURRENT, JnaCalls.load());
    }

    private int[] twoDescriptors(String name) throws IOException {
        byte[] path = Posix.cString(Files.createFile(directory.resolve(name)));
        int flags = Posix.O_RDWR | Posix.O_CLOEXEC;
        return new int[] { Posix.open(path, flags), Posix.open(path, flags) };
    }

    private static void closeAll(int[] fds) {
        for (int fd : fds) {
            Posix.close(fd);
        }
    }

    private static boolean repeat(Callable<Integer> call, int expectedErrno) throws Exception {
        for (int i = 0; i < 20_000; i++) {
            int errno = call.call();
            if (errno != expectedErrno) {
                throw new AssertionError("call " + i + " returned errno " + errno + ", expected " + expectedErrno);
            }
        }
        return true;
    }

}
