package io.quaestor.audit.control;

import io.quaestor.platform.logging.StructuredLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * Sequences pending audit events every {@code quaestor.audit.sequencing-interval-ms} (100 ms) and
 * seals the trail (at most once per {@code checkpoint-interval-ms}), on every instance; the advisory
 * lock lets one of them work at a time. Without an audit key, events are still sequenced, but
 * neither signed nor sealed. Each checkpoint is also written, after it commits, as a file in
 * {@code quaestor.audit.checkpoint-dir}: point that at WORM storage (docs/operations.md) and a
 * database superuser can no longer rewrite history unnoticed.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class AuditSealing {

    private static final StructuredLog LOG = StructuredLog.of(AuditSealing.class);

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    AuditSealer sealer;

    @Inject
    AuditKeys keys;

    @Inject
    AppendSignatures appendSignatures;

    @Inject
    @ConfigProperty(name = "quaestor.audit.checkpoint-dir")
    Optional<String> checkpointDir;

    private volatile CheckpointSigner signer;
    private ScheduledFuture<?> schedule;

    @Inject
    @ConfigProperty(name = "quaestor.audit.sequencing-interval-ms", defaultValue = "100")
    long sequencingIntervalMillis;

    @PostConstruct
    void start() {
        if (keys.signer().isEmpty()) {
            LOG.warn("audit.sealing.disabled", Map.of("reason", "quaestor.audit.signing-key and public-key are not set",
                    "effect", "events are sequenced but neither signed nor sealed"));
        } else {
            signer = keys.signer().get();
            appendSignatures.startChain(signer);
            LOG.info("audit.sealing.started", Map.of("keyId", signer.keyId()));
        }
        schedule = scheduler.scheduleWithFixedDelay(this::sealQuietly, sequencingIntervalMillis, sequencingIntervalMillis,
                TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }

    public Optional<CheckpointSigner> signer() {
        return Optional.ofNullable(signer);
    }

    /** The signer, for work that is meaningless without one (verification, bundles): 409 when none is configured. */
    public CheckpointSigner requireSigner() {
        return keys.require();
    }

    private void sealQuietly() {
        try {
            AuditSealer.Pass pass;
            do {
                pass = sealer.sealNow();
                pass.checkpoint().ifPresent(this::export);
            } while (pass.backlog());
        } catch (RuntimeException e) {
            // The next second tries again; a lasting failure shows as a stale checkpoint in readiness.
            LOG.failure(Level.WARNING, "audit.sealing.failed", e);
        }
    }

    private void export(Sealer.Checkpoint checkpoint) {
        if (checkpointDir.isEmpty()) {
            return;
        }
        Path file = Path.of(checkpointDir.get(), String.format("checkpoint-%012d-%d.txt", checkpoint.treeSize(),
                checkpoint.issuedAt().toEpochMilli()));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, checkpoint.statement() + "signature=" + Base64.getEncoder().encodeToString(checkpoint.signature())
                    + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.failure(Level.WARNING, "audit.checkpoint.export-failed", e);
        }
    }
}
