package io.sonic.desktop;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The desktop app talks to the servers only through the cloud's client API ({@code io.sonic.cloud.client}
 * and {@code io.sonic.cloud.api}): it never reaches into a server's internals, the wire formats, the link
 * between the servers or the dealer, so that it works the same against servers in this process and
 * servers elsewhere.
 */
class DesktopArchitectureTest {
    private final JavaClasses desktop = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.sonic.desktop");

    @Test
    void theDesktopUsesTheCloudOnlyThroughItsClientApi() {
        noClasses().that().resideInAPackage("io.sonic.desktop..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sonic.cloud.server..", "io.sonic.cloud.wire..",
                        "io.sonic.cloud.link..", "io.sonic.cloud.dealer..", "io.sonic.cloud.tls..",
                        "org.eclipse.jetty..")
                .check(desktop);
    }

    @Test
    void backgroundWorkRunsOnlyThroughTheInjectableTaskRunner() {
        noClasses().that().resideInAPackage("io.sonic.desktop..")
                .and().resideOutsideOfPackage("io.sonic.desktop.app")
                .should().dependOnClassesThat().belongToAnyOf(Thread.class, javafx.concurrent.Task.class,
                        java.util.concurrent.Executors.class, java.util.concurrent.ExecutorService.class,
                        javafx.application.Platform.class)
                .because("view-models are tested with Tasks.direct(), which only works if no screen starts its own"
                        + " threads")
                .check(desktop);
    }
}
