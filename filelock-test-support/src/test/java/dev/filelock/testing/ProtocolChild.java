package dev.filelock.testing;

import java.util.concurrent.CountDownLatch;

/**
 * A child speaking the one protocol, for {@link ChildProtocolTests}: echoes, fails,
 * blocks, logs on the side.
 */
public final class ProtocolChild {

    private ProtocolChild() {
    }

    /**
     * Runs the command loop.
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("a log line before the loop");
        ChildMain.create()
            .on("echo", words -> String.join(" ", words))
            .on("nothing", words -> null)
            .on("fail", words -> {
                throw new IllegalStateException("asked to fail\non two lines");
            })
            .on("chatter", words -> {
                System.out.println("OKAY, not a protocol line");
                return "after chatter";
            })
            .on("block", words -> {
                new CountDownLatch(1).await();
                return "never";
            })
            .on("nanos", words -> System.nanoTime())
            .run();
        System.exit(0);
    }

}
