package dev.filelock;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's layers, as docs/architecture.md draws them: {@code posix}, then
 * {@code internal} (shared), then the protocols ({@code flock}, {@code soft},
 * {@code sqlite}), then {@code diagnostics}, then the engines ({@code exclusive},
 * {@code readwrite}), then the API {@code dev.filelock}. The one edge pointing down from
 * the API into the implementation is the public factories (the builders,
 * {@link ConfinedDirectory#declare}, {@link FileLockDiagnostics}) naming what they
 * create; the implementation sees the API only through the types it implements or throws.
 */
class CoreArchitectureTests {

    private static final String API = "dev.filelock";

    private static final String INTERNAL = "dev.filelock.internal..";

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(API);
    }

    @Test
    void layersDependOnlyDownwards() {
        ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("api")
            .definedBy(API)
            .layer("engines")
            .definedBy("dev.filelock.internal.exclusive..", "dev.filelock.internal.readwrite..")
            .layer("diagnostics")
            .definedBy("dev.filelock.internal.diagnostics..")
            .layer("protocols")
            .definedBy("dev.filelock.internal.flock..", "dev.filelock.internal.soft..",
                    "dev.filelock.internal.sqlite..")
            .layer("shared")
            .definedBy("dev.filelock.internal")
            .layer("posix")
            .definedBy("dev.filelock.internal.posix..")
            .whereLayer("engines")
            .mayOnlyBeAccessedByLayers("api")
            .whereLayer("diagnostics")
            .mayOnlyBeAccessedByLayers("engines", "api")
            .whereLayer("protocols")
            .mayOnlyBeAccessedByLayers("diagnostics", "engines", "api")
            .whereLayer("shared")
            .mayOnlyBeAccessedByLayers("protocols", "diagnostics", "engines", "api")
            .whereLayer("posix")
            .mayOnlyBeAccessedByLayers("shared", "protocols", "diagnostics", "engines", "api");
        layers.check(core);
    }

    @Test
    void subsystemsOfOneLayerAreIndependent() {
        for (List<String> layer : List.of(List.of("exclusive", "readwrite"), List.of("flock", "soft", "sqlite"))) {
            for (String subsystem : layer) {
                for (String other : layer) {
                    if (!other.equals(subsystem)) {
                        noClasses().that()
                            .resideInAPackage("dev.filelock.internal." + subsystem + "..")
                            .should()
                            .dependOnClassesThat()
                            .resideInAPackage("dev.filelock.internal." + other + "..")
                            .check(core);
                    }
                }
            }
        }
    }

    @Test
    void packagesFormNoCycleButTheApiNamingItsImplementation() {
        slices().assignedFrom(byPackage())
            .should()
            .beFreeOfCycles()
            .ignoreDependency(resideInAPackage(API), resideInAPackage(INTERNAL))
            .check(core);
    }

    @Test
    void onlyThePublicFactoriesReachIntoTheImplementation() {
        classes().that()
            .resideInAPackage(API)
            .and()
            .areNotAnonymousClasses()
            .and(not(belongToAnyOf(FileLockBuilder.class, ReadWriteFileLockBuilder.class, FileLock.Builder.class,
                    SoftFileLock.Builder.class, ReadWriteFileLock.Builder.class, NativeReadWriteFileLock.Builder.class,
                    SoftReadWriteFileLock.Builder.class, ConfinedDirectory.class, FileLockDiagnostics.class)))
            .should()
            .onlyDependOnClassesThat(not(resideInAPackage(INTERNAL)))
            .check(core);
    }

    @Test
    void theImplementationSeesTheApiOnlyThroughTheTypesItImplementsOrThrows() {
        noClasses().that()
            .resideInAPackage(INTERNAL)
            .should()
            .dependOnClassesThat(resideInAPackage(API).and(not(anyOf(FileLock.class, SoftFileLock.class,
                    SoftFileLock.LockOwner.class, ReadWriteFileLock.class, NativeReadWriteFileLock.class,
                    SoftReadWriteFileLock.class, LockHold.class, LockMode.class, Ownership.class,
                    FileLockException.class, FileLockTimeoutException.class, FileLockInterruptedException.class))))
            .because("the builders, FileLockDiagnostics and ConfinedDirectory sit above the implementation")
            .check(core);
    }

    /**
     * Exactly these classes, not their nested ones (a lock interface's nested builder is
     * not implemented below).
     */
    private static DescribedPredicate<JavaClass> anyOf(Class<?>... types) {
        DescribedPredicate<JavaClass> any = equivalentTo(types[0]);
        for (int i = 1; i < types.length; i++) {
            any = any.or(equivalentTo(types[i]));
        }
        return any;
    }

    /**
     * One slice per package, the API package included (a pattern such as
     * {@code dev.filelock.(**)} misses it).
     */
    private static SliceAssignment byPackage() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return SliceIdentifier.of(javaClass.getPackageName());
            }

            @Override
            public String getDescription() {
                return "packages of dev.filelock";
            }
        };
    }

}
