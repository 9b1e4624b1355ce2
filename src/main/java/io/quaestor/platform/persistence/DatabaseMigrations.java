package io.quaestor.platform.persistence;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Brings Quaestor's schema up to date before anything reads it. Migrations may run as a more
 * privileged owner role ({@code quaestor.db.migration.user}) than the runtime role, so that the
 * runtime role receives only the grants each migration gives it. Flyway's advisory lock makes
 * concurrent starts of several instances safe.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigrations {

    private static final Logger LOG = Logger.getLogger(DatabaseMigrations.class.getName());
    private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource runtimeDataSource;

    @Inject
    @ConfigProperty(name = "quaestor.db.url")
    String url;

    @Inject
    @ConfigProperty(name = "quaestor.db.user")
    String runtimeUser;

    @Inject
    @ConfigProperty(name = "quaestor.db.migration.user")
    Optional<String> migrationUser;

    @Inject
    @ConfigProperty(name = "quaestor.db.migration.password")
    Optional<String> migrationPassword;

    private volatile boolean complete;

    @PostConstruct
    void migrate() {
        MigrateResult result;
        try {
            result = flyway(migrationDataSource(), runtimeUser).migrate();
        } catch (RuntimeException e) {
            io.quaestor.platform.health.StartupFailures.stop("the database could not be migrated",
                    java.util.List.of(StoreFailures.describe(e) + " (" + e.getClass().getSimpleName() + ")"));
            throw e;
        }
        complete = true;
        LOG.info(() -> "Quaestor schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    /** Quaestor's migrations, granting the runtime role what each table needs. */
    public static Flyway flyway(DataSource owner, String runtimeRole) {
        return Flyway.configure(DatabaseMigrations.class.getClassLoader())
                .dataSource(owner)
                .locations("classpath:db/migration/quaestor")
                .placeholders(Map.of("runtime_role", checkedRoleName(runtimeRole)))
                .validateMigrationNaming(true)
                .load();
    }

    public boolean isComplete() {
        return complete;
    }

    private DataSource migrationDataSource() {
        if (migrationUser.isEmpty()) {
            return runtimeDataSource;
        }
        PGSimpleDataSource owner = new PGSimpleDataSource();
        owner.setURL(url);
        owner.setUser(migrationUser.get());
        migrationPassword.ifPresent(owner::setPassword);
        owner.setApplicationName("quaestor-migrations");
        return owner;
    }

    /** The role name goes into GRANT statements; only a plain identifier is accepted. */
    static String checkedRoleName(String role) {
        if (!ROLE_NAME.matcher(role).matches()) {
            throw new IllegalStateException("quaestor.db.user must be a plain PostgreSQL role name");
        }
        return role;
    }
}
