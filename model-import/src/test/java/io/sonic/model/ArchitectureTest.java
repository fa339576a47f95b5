package io.sonic.model;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** model-import is the bottom of the stack: it uses none of Sonic's other modules, nor GUI or server libraries. */
class ArchitectureTest {
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.sonic.model");

    @Test
    void modelImportDependsOnNoOtherSonicModule() {
        noClasses().that().resideInAPackage("io.sonic.model..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sonic.engine..", "io.sonic.cloud..",
                        "io.sonic.cli..", "io.sonic.desktop..")
                .check(classes);
    }

    @Test
    void modelImportUsesNoGuiServerOrJsonLibrary() {
        noClasses().that().resideInAPackage("io.sonic.model..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.eclipse.jetty..",
                        "com.fasterxml.jackson..", "ai.onnxruntime..")
                .check(classes);
    }
}
