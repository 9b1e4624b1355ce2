package io.quaestor.platform.persistence;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.annotation.sql.DataSourceDefinitions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Quaestor's own database and the gateway's store are separate datasources, as in production.
 * Both read their coordinates from MicroProfile Config ({@code QUAESTOR_DB_URL} or
 * {@code -Dquaestor.db.url}), so one WAR runs against the embedded or any external PostgreSQL.
 */
@DataSourceDefinitions({
        @DataSourceDefinition(
                name = Datasources.QUAESTOR,
                className = "org.postgresql.ds.PGSimpleDataSource",
                url = "${MPCONFIG=quaestor.db.url}",
                user = "${MPCONFIG=quaestor.db.user}",
                password = "${MPCONFIG=quaestor.db.password}",
                minPoolSize = 2,
                maxPoolSize = 32,
                properties = {"fish.payara.is-connection-validation-required=true",
                        // Validate a pooled connection at most every 30 s, not on every allocation:
                        // a round trip per allocation was most of the access gate's cost.
                        "fish.payara.validate-atmost-once-period-in-seconds=30",
                        "fish.payara.connection-validation-method=custom-validation",
                        "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                        "ApplicationName=quaestor",
                        // EclipseLink binds UUIDs as strings; let PostgreSQL infer the column type.
                        "stringtype=unspecified",
                        // Audit appends and receipts are JDBC batches: send them as multi-row INSERTs.
                        "reWriteBatchedInserts=true"}),
        @DataSourceDefinition(
                name = Datasources.GATEWAY,
                className = "org.postgresql.ds.PGSimpleDataSource",
                url = "${MPCONFIG=quaestor.gateway.db.url}",
                user = "${MPCONFIG=quaestor.gateway.db.user}",
                password = "${MPCONFIG=quaestor.gateway.db.password}",
                minPoolSize = 1,
                maxPoolSize = 16,
                properties = {"fish.payara.is-connection-validation-required=true",
                        // Validate a pooled connection at most every 30 s, not on every allocation:
                        // a round trip per allocation was most of the access gate's cost.
                        "fish.payara.validate-atmost-once-period-in-seconds=30",
                        "fish.payara.connection-validation-method=custom-validation",
                        "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                        "ApplicationName=quaestor",
                        // EclipseLink binds UUIDs as strings; let PostgreSQL infer the column type.
                        "stringtype=unspecified"})
})
@ApplicationScoped
public class Datasources {

    public static final String QUAESTOR = "java:app/jdbc/quaestor";
    public static final String GATEWAY = "java:app/jdbc/gateway";
}
