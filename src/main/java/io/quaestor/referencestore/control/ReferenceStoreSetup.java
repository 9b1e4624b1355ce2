package io.quaestor.referencestore.control;

import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.referencestore.generator.GatewayDataGenerator;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * When Quaestor runs against the reference gateway store ({@code quaestor.gateway.reference-store},
 * set by the launcher's embedded mode), brings that store's schema up to date and, if it is empty
 * and {@code quaestor.gateway.demo-data} is on, fills it with the modest demo set. Against a real
 * gateway both are off and Quaestor never changes the gateway's schema.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class ReferenceStoreSetup {

    private static final StructuredLog LOG = StructuredLog.of(ReferenceStoreSetup.class);

    @Resource(lookup = Datasources.GATEWAY)
    DataSource gateway;

    @Inject
    @ConfigProperty(name = "quaestor.gateway.reference-store", defaultValue = "false")
    boolean referenceStore;

    @Inject
    @ConfigProperty(name = "quaestor.gateway.demo-data", defaultValue = "false")
    boolean demoData;

    @Inject
    Clock clock;

    @PostConstruct
    void prepare() {
        if (!referenceStore) {
            return;
        }
        int applied = flyway(gateway).migrate().migrationsExecuted;
        LOG.info("reference-store.migrated", Map.of("migrationsApplied", applied));
        if (demoData && isEmpty()) {
            try {
                GenerationReport report = generator().generate(GenerationPlan.demo(LocalDate.now(clock.withZone(ZoneOffset.UTC))));
                LOG.info("reference-store.demo-data", Map.of("rows", report.rowsByTable().toString(), "millis", report.totalMillis()));
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException("demo data could not be generated", e);
            }
        }
    }

    /** The reference store's own migrations, applied to the gateway database (never Quaestor's). */
    public static Flyway flyway(DataSource gatewayOwner) {
        return Flyway.configure(ReferenceStoreSetup.class.getClassLoader())
                .dataSource(gatewayOwner)
                .locations("classpath:db/migration/gateway")
                .load();
    }

    public boolean isEnabled() {
        return referenceStore;
    }

    public GatewayDataGenerator generator() {
        return new GatewayDataGenerator(gateway::getConnection, 2);
    }

    private boolean isEmpty() {
        try (Connection c = gateway.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM organizations)")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("the reference gateway store is unreachable", e);
        }
    }
}
