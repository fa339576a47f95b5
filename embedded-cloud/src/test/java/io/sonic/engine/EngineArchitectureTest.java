package io.sonic.engine;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The secure engine is pure Java: no Jetty, Jackson or JavaFX, no command line, and it logs nothing. */
class EngineArchitectureTest {
    private final JavaClasses engine = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.sonic.engine");

    @Test
    void engineUsesNoServerJsonOrGuiLibrary() {
        noClasses().that().resideInAPackage("io.sonic.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eclipse.jetty..", "com.fasterxml.jackson..",
                        "javafx..", "io.sonic.cli..", "io.sonic.cloud..", "io.sonic.desktop..", "picocli..")
                .check(engine);
    }

    @Test
    void engineWritesNoLogLinesThatCouldCarryValues() {
        noClasses().that().resideInAPackage("io.sonic.engine..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.util.logging..", "org.slf4j..",
                        "java.lang.System$Logger")
                .check(engine);
    }
}
