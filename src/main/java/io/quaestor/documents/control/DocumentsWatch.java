package io.quaestor.documents.control;

import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.security.entity.Role;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.metrics.MetricRegistry;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Runs the promise check on a schedule ({@code quaestor.documents.conformance-seconds}, hourly by
 * default), after every retention purge and after every data-map reload: the gauge {@code quaestor_documents_mismatches}, readiness data, and a notification to
 * privacy officers for each mismatch not seen in the previous check. The instance stays ready: a
 * broken promise is for people to fix, not a reason to stop serving.
 */
@ApplicationScoped
public class DocumentsWatch {

    private static final StructuredLog LOG = StructuredLog.of(DocumentsWatch.class);

    @Inject
    Documents documents;

    @Inject
    StaffNotifications notifications;

    @Inject
    MetricRegistry registry;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "quaestor.documents.conformance-seconds", defaultValue = "3600")
    int everySeconds;

    @Inject
    DocumentsWatch self;

    private volatile Documents.Conformance last;
    private final Set<String> known = new HashSet<>();
    private ScheduledFuture<?> schedule;

    /** The first check comes one period after the start, when the first backlog measure is long done. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        registry.gauge("quaestor_documents_mismatches", () -> last == null ? 0 : last.mismatches().size());
        schedule = scheduler.scheduleWithFixedDelay(this::run, everySeconds, everySeconds, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    /** A purge changes what the stores hold: check the promises once it is sealed. */
    void afterRetentionRun(@Observes(during = jakarta.enterprise.event.TransactionPhase.AFTER_SUCCESS)
                           io.quaestor.retention.control.RetentionRunCompleted completed) {
        if (!completed.dryRun()) {
            scheduler.submit(this::run);
        }
    }

    /** A new data map changes what the documents would say: check the published ones against it. */
    void afterMapReload(@Observes io.quaestor.security.control.SecurityEvent event) {
        if ("datamap.activated".equals(event.action())) {
            scheduler.submit(this::run);
        }
    }

    void run() {
        try {
            Documents.Conformance now = documents.check();
            Set<String> fresh = new HashSet<>();
            for (Documents.Mismatch m : now.mismatches()) {
                String key = m.document() + " | " + m.line();
                if (!known.contains(key)) {
                    fresh.add(key);
                }
            }
            if (!fresh.isEmpty()) {
                self.alert(fresh);
            }
            known.clear();
            now.mismatches().forEach(m -> known.add(m.document() + " | " + m.line()));
            last = now;
        } catch (RuntimeException e) {
            LOG.failure(Level.WARNING, "documents.conformance-failed", e);
        }
    }

    @Transactional
    public void alert(Set<String> mismatches) {
        notifications.notifyRole(Role.Names.PRIVACY_OFFICER, "DOCUMENTS_MISMATCH", null,
                "A published document no longer matches what the system does: " + String.join("; ", new java.util.TreeSet<>(mismatches)));
    }

    @Produces
    @Readiness
    HealthCheck conformance() {
        return () -> {
            HealthCheckResponseBuilder response = HealthCheckResponse.named("documents").up();
            Documents.Conformance c = last;
            if (c == null) {
                return response.withData("checked", "not yet").build();
            }
            response.withData("checked-at", c.checkedAt().toString()).withData("conforms", c.conforms())
                    .withData("mismatches", c.mismatches().size());
            if (!c.conforms()) {
                response.withData("warning", "a published document no longer matches the system: GET /api/documents/conformance");
            }
            return response.build();
        };
    }
}
