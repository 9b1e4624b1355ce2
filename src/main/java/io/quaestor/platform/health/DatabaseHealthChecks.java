package io.quaestor.platform.health;

import io.quaestor.platform.persistence.DatabaseMigrations;
import io.quaestor.platform.persistence.Datasources;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Ready means: Quaestor's database answers and its schema is migrated, and the gateway store
 * answers. (Features add their own readiness checks, such as audit sealing.) Live means the application is deployed; a database outage makes an instance unready,
 * never dead, so an orchestrator does not restart it in a loop.
 */
@ApplicationScoped
public class DatabaseHealthChecks {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Resource(lookup = Datasources.GATEWAY)
    DataSource gateway;

    @Inject
    DatabaseMigrations migrations;

    @Produces
    @Readiness
    HealthCheck quaestorDatabase() {
        return () -> HealthCheckResponse.named("quaestor-database")
                .withData("schema-migrated", migrations.isComplete())
                .status(migrations.isComplete() && reachable(quaestor))
                .build();
    }

    @Produces
    @Readiness
    HealthCheck gatewayDatabase() {
        return () -> HealthCheckResponse.named("gateway-database").status(reachable(gateway)).build();
    }

    @Produces
    @Liveness
    HealthCheck application() {
        return () -> HealthCheckResponse.named("quaestor").up().build();
    }

    private static boolean reachable(DataSource source) {
        try (Connection c = source.getConnection()) {
            return c.isValid(TIMEOUT_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }
}
