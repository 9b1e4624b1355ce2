package io.quaestor.datamap.control;

import io.quaestor.datamap.entity.DataMap;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.SecurityEvents;
import io.quaestor.platform.health.StartupFailures;
import io.quaestor.platform.persistence.RestoringDataSource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The active data map. Read and validated at start-up, before anything uses it: a map with a
 * problem stops the deployment, and the log names the file, line and element of each problem. A
 * reload that fails leaves the previous map serving.
 */
@Singleton
@Startup
@DependsOn("ReferenceStoreSetup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class DataMaps {

    static final String DEFAULT_MAP = "policy-templates/datamap/reference-gateway.datamap.json";
    private static final StructuredLog LOG = StructuredLog.of(DataMaps.class);

    /**
     * The active map, where it came from, when it became active, and what the validator advises
     * (a link or clock column no index serves: it works, but reads the whole table).
     */
    public record Active(DataMap map, String source, Instant activatedAt, List<String> warnings) {
        public Active {
            warnings = List.copyOf(warnings);
        }
    }

    @Resource(lookup = Datasources.GATEWAY)
    DataSource gateway;

    @Inject
    @ConfigProperty(name = "quaestor.datamap.file")
    Optional<String> file;

    @Inject
    SecurityEvents events;

    @Inject
    Clock clock;

    private final Map<String, Optional<DataSource>> storeDataSources = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile Active active;

    @PostConstruct
    void activateAtStart() {
        try {
            active = activate(load());
        } catch (DataMapException e) {
            e.problems().forEach(p -> LOG.warn("datamap.invalid", Map.of("problem", p.toString())));
            StartupFailures.stop("the data map " + source() + " has " + e.problems().size() + " problem(s)",
                    e.problems().stream().map(DataMapException.Problem::toString).toList());
            throw e;
        }
        LOG.info("datamap.activated", Map.of("version", active.map().version(), "source", active.source()));
    }

    public Active active() {
        return active;
    }

    /** Reads and validates the map again; on any problem the current map stays active. */
    public synchronized Active reload(Caller by) {
        DataMapValidator.Validated validated = load();
        DataMap candidate = validated.map();
        String previous = active.map().version();
        active = activate(validated);
        events.publish("datamap.activated", by.userId(), "data-map", null, "success",
                Map.of("version", candidate.version(), "previousVersion", previous));
        return active;
    }

    private Active activate(DataMapValidator.Validated validated) {
        validated.warnings().forEach(w -> LOG.warn("datamap.advice", Map.of("warning", w.toString())));
        return new Active(validated.map(), source(), clock.instant(),
                validated.warnings().stream().map(DataMapException.Problem::toString).toList());
    }

    private DataMapValidator.Validated load() {
        try (Reader reader = open()) {
            return DataMapValidator.check(DataMapReader.read(reader, source()), this::datasource);
        } catch (IOException e) {
            throw new DataMapException(List.of(new DataMapException.Problem(source(), 1, "(document)",
                    "the file cannot be read (" + e.getClass().getSimpleName() + ")")));
        }
    }

    /**
     * "default" is the gateway datasource ({@code quaestor.gateway.db.*}); any other name N is a
     * further gateway database configured as {@code quaestor.gateway.stores.N.url}, {@code .user}
     * and {@code .password}, for example a second region's store.
     */
    public Optional<DataSource> datasource(String name) {
        if ("default".equals(name)) {
            return Optional.of(restoringGateway());
        }
        return storeDataSources.computeIfAbsent(name, this::configuredStore);
    }

    private volatile DataSource restoringGateway;

    /** One wrapper for the life of the bean: every borrow from the gateway pool goes back as it came. */
    private DataSource restoringGateway() {
        DataSource wrapped = restoringGateway;
        if (wrapped == null) {
            wrapped = RestoringDataSource.of(gateway);
            restoringGateway = wrapped;
        }
        return wrapped;
    }

    private Optional<DataSource> configuredStore(String name) {
        Config config = ConfigProvider.getConfig();
        String prefix = "quaestor.gateway.stores." + name + ".";
        return config.getOptionalValue(prefix + "url", String.class).map(url -> {
            PGSimpleDataSource store = new PGSimpleDataSource();
            store.setURL(url);
            config.getOptionalValue(prefix + "user", String.class).ifPresent(store::setUser);
            config.getOptionalValue(prefix + "password", String.class).ifPresent(store::setPassword);
            store.setApplicationName("quaestor");
            return RestoringDataSource.of(store);
        });
    }

    /**
     * What the live stores hold that looks like prompt or completion content the active map does
     * not declare: per finding the store, table, column and why. A store that cannot be searched is
     * a finding too, as nothing can then be said about it.
     */
    public List<String> undeclaredContent() {
        DataMap map = active.map();
        List<String> findings = new java.util.ArrayList<>();
        for (DataMap.Store store : map.stores()) {
            Optional<DataSource> source = store(store);
            if (source.isEmpty()) {
                findings.add(store.name() + ": the store is not configured here, so it could not be searched");
                continue;
            }
            try (java.sql.Connection c = source.get().getConnection()) {
                ContentScanner.scan(map, store.name(), c).forEach(f -> findings.add(store.name() + "." + f));
            } catch (java.sql.SQLException e) {
                findings.add(store.name() + ": the store could not be searched (" + e.getSQLState() + ")");
            }
        }
        return findings;
    }

    /** The datasource of the store that holds the map's (first kind of) subjects. */
    public DataSource subjectStore() {
        return subjectStore(active.map());
    }

    /** The datasource of the store that holds the subjects of the kind a map is seen as. */
    public DataSource subjectStore(DataMap map) {
        return store(map.store(map.subject().store()).orElseThrow()).orElseThrow();
    }

    /** A store's datasource, in the store's schema when the map names one. */
    public Optional<DataSource> store(DataMap.Store store) {
        return datasource(store.datasource()).map(pool -> io.quaestor.platform.persistence.RestoringDataSource.inSchema(pool, store.schema()));
    }

    private String source() {
        return file.orElse("classpath:" + DEFAULT_MAP);
    }

    private Reader open() throws IOException {
        if (file.isPresent()) {
            return Files.newBufferedReader(Path.of(file.get()), StandardCharsets.UTF_8);
        }
        InputStream in = DataMaps.class.getClassLoader().getResourceAsStream(DEFAULT_MAP);
        if (in == null) {
            throw new IOException("the default data map is missing from the WAR");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }
}
