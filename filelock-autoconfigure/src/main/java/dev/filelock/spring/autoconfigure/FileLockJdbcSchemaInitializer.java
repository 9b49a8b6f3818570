package dev.filelock.spring.autoconfigure;

import dev.filelock.spring.jdbc.JdbcLockRepository;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Creates Spring Integration's JDBC tables (among them {@code INT_LOCK}) for the JDBC
 * lock backend, and the sequence of its fencing tokens ({@code INT_LOCK_TOKEN_SEQ}, after
 * {@code filelock.jdbc.table-prefix}), following {@code
 * filelock.jdbc.initialize-schema} ({@code embedded} by default, so set it to
 * {@code always} for a server database); errors such as "table exists" are ignored unless
 * {@code filelock.jdbc.continue-on-error=false}.
 *
 * @since 0.1
 */
public class FileLockJdbcSchemaInitializer
        extends PropertiesBasedDataSourceScriptDatabaseInitializer<FileLockJdbcProperties> {

    private final String fencingSequence;

    /**
     * Creates the initializer.
     * @param dataSource the database to initialise
     * @param properties the schema location, platform and mode
     */
    public FileLockJdbcSchemaInitializer(DataSource dataSource, FileLockJdbcProperties properties) {
        super(dataSource, properties);
        this.fencingSequence = JdbcLockRepository.fencingSequence(properties.getTablePrefix());
    }

    /**
     * Adds the fencing token sequence after Spring Integration's script, which knows
     * nothing of it.
     */
    @Override
    protected void customize(ResourceDatabasePopulator populator) {
        super.customize(populator);
        String create = "CREATE SEQUENCE IF NOT EXISTS " + this.fencingSequence;
        populator.addScript(new ByteArrayResource(create.getBytes(StandardCharsets.UTF_8), "fencing token sequence"));
    }

}
