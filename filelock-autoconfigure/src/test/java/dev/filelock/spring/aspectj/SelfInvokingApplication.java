package dev.filelock.spring.aspectj;

import dev.filelock.spring.EnableFileLocking;
import dev.filelock.spring.FileLockRegistry;
import dev.filelock.spring.aop.FileLockedAdvisor;
import dev.filelock.testing.ChildMain;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AdviceMode;
import org.springframework.context.annotation.Bean;

/**
 * A child-JVM application in AspectJ mode, started with
 * {@code -javaagent:aspectjweaver.jar}: it reports what its locked methods saw
 * ({@code KEY value} lines), then answers the child protocol ({@link ChildMain}):
 * {@code run} runs {@link SelfInvokingJob#run}; after {@code quit} it closes its context
 * and reports {@code AFTER_CLOSE}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableFileLocking(mode = AdviceMode.ASPECTJ)
public class SelfInvokingApplication {

    public static void main(String[] args) throws Exception {
        SelfInvokingJob closedJob;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SelfInvokingApplication.class)
            .web(WebApplicationType.NONE)
            .run(args)) {
            SelfInvokingJob job = context.getBean(SelfInvokingJob.class);
            PrivateAndFinalJob privateAndFinal = context.getBean(PrivateAndFinalJob.class);
            System.out.println("ADVISORS " + context.getBeanNamesForType(FileLockedAdvisor.class).length);
            System.out.println("SELF_INVOCATION_LOCKED " + job.selfInvokedProbeHeldItsLock());
            System.out.println("TEMPLATE_LOCKED " + job.selfInvokedTemplateHeldItsLock());
            System.out.println("MONO_LOCKED " + job.selfInvokedMonoHeldItsLockOnEachSubscription());
            System.out.println("FUTURE_LOCKED " + job.selfInvokedFutureHeldItsLockUntilCompleted());
            System.out.println("SKIPPED " + job.selfInvokedCallSkippedWhileAnotherThreadHolds());
            System.out.println("PRIVATE_LOCKED " + privateAndFinal.privateMethodHeldItsLock());
            System.out.println("FINAL_LOCKED " + privateAndFinal.finalProbe());
            int iterations = context.getEnvironment().getRequiredProperty("iterations", Integer.class);
            ChildMain.create().on("run", (words) -> {
                job.run(iterations);
                return null;
            }).run();
            closedJob = job;
        }
        try {
            closedJob.lockedProbe();
            System.out.println("AFTER_CLOSE ran");
        }
        catch (IllegalStateException ex) {
            System.out.println("AFTER_CLOSE " + ex.getClass().getSimpleName());
        }
    }

    @Bean
    SelfInvokingJob selfInvokingJob(FileLockRegistry registry, @Value("${shared}") Path shared,
            @Value("${name}") String name) {
        return new SelfInvokingJob(registry, shared, name);
    }

    @Bean
    PrivateAndFinalJob privateAndFinalJob(FileLockRegistry registry) {
        return new PrivateAndFinalJob(registry);
    }

}
