package dev.filelock.spring.autoconfigure;

import javax.sql.DataSource;
import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;

/**
 * Creates Spring Integration's JDBC tables (among them {@code INT_LOCK}) for the JDBC lock backend, following {@code
 * filelock.jdbc.initialize-schema} ({@code embedded} by default, so set it to {@code always} for a server database); errors
 * such as "table exists" are ignored unless {@code filelock.jdbc.continue-on-error=false}.
 */
public class FileLockJdbcSchemaInitializer
        extends PropertiesBasedDataSourceScriptDatabaseInitializer<FileLockJdbcProperties> {

    /**
     * Creates the initializer.
     *
     * @param dataSource the database to initialise
     * @param properties the schema location, platform and mode
     */
    public FileLockJdbcSchemaInitializer(DataSource dataSource, FileLockJdbcProperties properties) {
        super(dataSource, properties);
    }
}
