package dev.filelock.spring;

import org.springframework.context.annotation.AdviceMode;
import org.springframework.context.annotation.AdviceModeImportSelector;

/**
 * Imports what {@link EnableFileLocking#mode()} selects: nothing for
 * {@link AdviceMode#PROXY}, whose advisor the auto-configuration registers anyway, and
 * the aspect's configuration for {@link AdviceMode#ASPECTJ}, by name so that AspectJ is
 * loaded only then.
 */
final class FileLockingModeSelector extends AdviceModeImportSelector<EnableFileLocking> {

    static final String ASPECTJ_CONFIGURATION = "dev.filelock.spring.autoconfigure.AspectJFileLockingConfiguration";

    @Override
    protected String[] selectImports(AdviceMode adviceMode) {
        return switch (adviceMode) {
            case PROXY -> new String[0];
            case ASPECTJ -> new String[] { ASPECTJ_CONFIGURATION };
        };
    }

}
