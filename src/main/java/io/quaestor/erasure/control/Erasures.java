package io.quaestor.erasure.control;

import io.quaestor.access.control.AccessAudit;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.control.SubjectErasure;
import io.quaestor.datamap.control.SubjectFinder;
import io.quaestor.datamap.control.SubjectRows;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectKeys;
import io.quaestor.dsar.control.DataSubjectRequests;
import io.quaestor.dsar.control.Fulfilment;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.holds.control.LegalHolds;
import io.quaestor.platform.crypto.SealedStream;
import io.quaestor.platform.logging.StructuredLog;
import io.quaestor.platform.persistence.Datasources;
import io.quaestor.platform.persistence.StoreFailures;
import io.quaestor.platform.problem.QuaestorException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.platform.timers.DeadlineTimers;
import io.quaestor.platform.timers.TimerDue;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.ServerKey;
import io.quaestor.webhooks.control.GatewayWebhooks;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.SecretKey;
import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Runs erasures step by step, each step committed before the next: legal holds are checked, the
 * gateway is told to revoke the subject's API keys (signed webhook) and the run is recorded; the
 * data map's strategies are applied in one transaction per store, with the holds checked again
 * and the counts recorded just before it commits; a scan verifies that none of the subject's
 * identifiers is left outside rows kept by law; then the deletion certificate is issued. A run
 * interrupted anywhere is taken up again by its resume timer on any instance, and an advisory
 * lock keeps two instances from running the same erasure at once.
 */
@ApplicationScoped
public class Erasures implements Fulfilment {

    static final String RESUME = "ERASURE_RESUME";
    private static final int SCAN_ATTEMPTS = 3;
    private static final StructuredLog LOG = StructuredLog.of(Erasures.class);

    /** The subject's keys and identifiers, sealed in the run until it is certified. */
    record Subject(List<Object> keys, Map<String, List<String>> identifiers) {
    }

    @Inject
    DataMaps maps;

    @Inject
    SubjectFinder finder;

    @Inject
    LegalHolds holds;

    @Inject
    ErasureRuns runs;

    @Inject
    DeletionCertificates certificates;

    @Inject
    GatewayWebhooks webhooks;

    @Inject
    DeadlineTimers timers;

    @Inject
    AuditLog audit;

    @Inject
    AccessAudit accessAudit;

    @Inject
    ServerKey serverKey;

    @Inject
    DataSubjectRequests requests;

    @Inject
    Erasures self;

    @Resource(lookup = Datasources.QUAESTOR)
    DataSource quaestor;

    @Resource
    ManagedExecutorService executor;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "quaestor.dsar.erasure.resume-after", defaultValue = "PT2M")
    Duration resumeAfter;

    @Override
    public boolean fulfils(RequestType type) {
        return type == RequestType.ERASURE;
    }

    /**
     * Erases the request's subjects, one run per kind of subject found (none found: one run for
     * the first kind, which certifies that nothing was held), or finishes earlier attempts; returns
     * only once every certificate is issued. All runs are started (holds checked) before any applies.
     */
    @Override
    public void fulfil(DataSubjectRequest request, SubjectKeys subjects, Caller officer) {
        DataMap map = maps.active().map();
        List<String> kinds = subjects.isEmpty() ? List.of(map.subject().name()) : subjects.foundKinds();
        List<ErasureRuns.Run> started = new ArrayList<>();
        for (String kind : kinds) {
            started.add(runs.byRequest(request.getId()).stream().filter(r -> kindOf(r, map).equals(kind)).findFirst()
                    .orElseGet(() -> start(request.getId(), request.getReference(), "DSAR", kind, subjects.of(kind),
                            officer.userId().toString())));
        }
        started.forEach(this::finish);
    }

    /** As {@link #start(UUID, String, String, String, List, String)} for the map's first kind of subject (a closed account). */
    public ErasureRuns.Run start(UUID requestId, String reference, String cause, List<Object> keys, String startedBy) {
        return start(requestId, reference, cause, maps.active().map().subject().name(), keys, startedBy);
    }

    /** Records a new run after checking holds; the gateway is told to revoke the subject's keys in the same transaction. */
    public ErasureRuns.Run start(UUID requestId, String reference, String cause, String kind, List<Object> keys, String startedBy) {
        DataMap map = maps.active().map().forKind(kind);
        SubjectErasure engine = engine(map);
        try {
            SubjectRows rows = finder.rows(kind);
            Map<Object, String> tenants = rows.tenantsOf(keys);
            List<SubjectErasure.TableAction> plan = engine.plan(keys);
            requireNoHolds(keys, rows.allTenantsOf(keys), plan, reference == null ? "a closed account" : reference);
            Subject subject = new Subject(keys, engine.identifiers(keys));
            UUID id = UUID.randomUUID();
            String tenant = tenants.values().stream().filter(java.util.Objects::nonNull).findFirst().orElse("-");
            String pseudonym = keys.isEmpty() ? "none" : accessAudit.accountPseudonym(tenant, keys.get(0).toString());
            ErasureRuns.Run run = new ErasureRuns.Run(id, requestId, cause, pseudonym, tenant, "STARTED", map.version(),
                    SealedStream.seal(sealingKey(), seal(subject), context(id)), ErasureJson.actions(plan).toString(),
                    applied(List.of(), null), null, 0, startedBy, clock.instant(), null, null, null, null, kind);
            self.recordStart(run, reference, keys);
            return run;
        } catch (SQLException e) {
            throw new IllegalStateException("the gateway store could not be read", e);
        }
    }

    @Transactional
    public void recordStart(ErasureRuns.Run run, String reference, List<Object> keys) {
        runs.insert(run);
        for (Object key : keys) {
            webhooks.queue("subject.erasure-started", Map.of("account", key.toString(), "action", "revoke-api-keys",
                    "request", reference == null ? "" : reference));
        }
        timers.schedule(RESUME, run.id(), clock.instant().plus(resumeAfter));
        audit.appendAction(null, "erasure.started", "erasure-run", run.id().toString(), run.tenant(),
                Map.of("cause", run.cause(), "subject", run.subjectPseudonym(), "request", reference == null ? "" : reference,
                        "dataMapVersion", run.dataMapVersion(), "subjectKind", run.subjectKind() == null ? "" : run.subjectKind()));
    }

    @Transactional
    public void recordReplanned(ErasureRuns.Run run, String version, String planned) {
        runs.replanned(run.id(), version, planned);
        audit.appendAction(null, "erasure.replanned", "erasure-run", run.id().toString(), run.tenant(),
                Map.of("startedUnder", run.dataMapVersion(), "finishingUnder", version));
    }

    /** Takes the run from wherever it stands to its certificate; refuses if another instance holds it. */
    public void finish(ErasureRuns.Run start) {
        try (Connection lock = quaestor.getConnection()) {
            if (!advisory(lock, "pg_try_advisory_lock", start.id())) {
                throw new StateConflictException("This erasure is being carried out right now; try again in a moment.");
            }
            try {
                ErasureRuns.Run run = runs.byId(start.id()).orElseThrow();
                if (!run.state().equals("CERTIFIED")) {
                    carryOut(run);
                }
            } finally {
                advisory(lock, "pg_advisory_unlock", start.id());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the erasure could not be locked", e);
        }
    }

    private void carryOut(ErasureRuns.Run run) throws SQLException {
        DataMap active = maps.active().map();
        String kind = kindOf(run, active);
        if (active.kind(kind).isEmpty()) {
            throw new StateConflictException("This erasure is of a '" + kind + "' subject, a kind the data map in force no longer"
                    + " describes; restore that kind in the map to finish it.");
        }
        DataMap map = active.forKind(kind);
        SubjectErasure engine = engine(map);
        Subject subject = unseal(run);
        if (!map.version().equals(run.dataMapVersion()) && !map.version().equals(run.finishedMapVersion())) {
            // The map changed since the start: what is erased, and how, follows the map in force now, and the run says so.
            self.recordReplanned(run, map.version(), ErasureJson.actions(engine.plan(subject.keys())).toString());
            LOG.info("erasure.replanned", Map.of("run", run.id().toString(), "startedUnder", run.dataMapVersion(),
                    "finishingUnder", map.version()));
        }
        JsonObject applied = ErasureJson.object(run.applied());
        boolean apply = run.state().equals("STARTED");
        if (run.state().equals("APPLYING")) {
            // Interrupted between recording the counts and the store's commit: whether rows are still linked tells which happened.
            if (engine.linkedRows(subject.keys()) == 0) {
                applied = committed(applied);
                runs.applied(run.id(), applied.toString());
            } else {
                applied = withoutPending(applied);
                apply = true;
            }
        }
        if (apply) {
            applied = apply(run, engine, subject, applied);
        }
        for (int attempt = 1; ; attempt++) {
            SubjectErasure.Scan scan = engine.scan(subject.keys(), subject.identifiers(), pseudonyms(map, subject.identifiers()));
            JsonObject scanJson = ErasureJson.scan(scan, subject.identifiers());
            if (scan.clean()) {
                certificates.issue(runs.byId(run.id()).orElseThrow(), subject.keys(),
                        ErasureJson.actions(applied.getJsonArray("committed").toString()), scanJson);
                return;
            }
            if (scan.linkedRows() == 0 || attempt == SCAN_ATTEMPTS) {
                runs.unverified(run.id(), scanJson.toString());
                throw new StateConflictException("The erasure was applied, but the verification scan still finds the subject: "
                        + scanJson + ". The request stays open; resolve the findings and complete it again.");
            }
            // Rows arrived for the subject after the erasure (a key still in use): erase those too.
            applied = apply(run, engine, subject, applied);
        }
    }

    private JsonObject apply(ErasureRuns.Run run, SubjectErasure engine, Subject subject, JsonObject applied) {
        try {
            java.util.Set<String> tenants = finder.rows(kindOf(run, maps.active().map())).allTenantsOf(subject.keys());
            JsonObject[] pending = new JsonObject[1];
            engine.apply(subject.keys(), this::pseudonym, done -> {
                requireNoHolds(subject.keys(), tenants, done, run.subjectPseudonym());
                pending[0] = Json.createObjectBuilder(applied).add("pending", ErasureJson.actions(done)).build();
                runs.applying(run.id(), pending[0].toString());
            });
            JsonObject committed = committed(pending[0]);
            runs.applied(run.id(), committed.toString());
            return committed;
        } catch (QuaestorException e) {
            throw e;
        } catch (Exception e) {
            String cause = StoreFailures.describe(e);
            runs.failed(run.id(), cause);
            LOG.warn("erasure.apply-failed", Map.of("run", run.id().toString(), "cause", cause,
                    "effect", "nothing was changed in the gateway store; completing the request again retries"));
            throw new IllegalStateException("the erasure could not be applied to the gateway store (" + cause
                    + "); nothing was changed there", e);
        }
    }

    /**
     * Resumes runs whose officer is gone (a restart, a crash), on any instance, on a worker thread:
     * outside the timer's transaction (the store's connection must not be enlisted in it) and
     * without holding up the poller while the erasure runs.
     */
    void onTimer(@Observes TimerDue timer) {
        if (RESUME.equals(timer.kind())) {
            executor.submit(() -> resume(timer.refId()));
        }
    }

    void resume(UUID runId) {
        try {
            ErasureRuns.Run run = runs.byId(runId).orElse(null);
            if (run == null || run.state().equals("UNVERIFIED")) {
                return;
            }
            LOG.info("erasure.resume", Map.of("run", runId.toString(), "state", run.state()));
            if (!run.state().equals("CERTIFIED")) {
                self.scheduleResume(runId);
                finish(run);
            }
            completeRequestIfOpen(runs.byId(runId).orElseThrow());
        } catch (QuaestorException e) {
            // Conflict texts name tables and counts, never the subject; a hold's reason is free text, so it stays out.
            LOG.warn("erasure.resume.refused", Map.of("run", runId.toString(), "problem", e.slug(),
                    "detail", e instanceof StateConflictException ? e.getMessage() : "-"));
        } catch (RuntimeException e) {
            LOG.warn("erasure.resume.failed", Map.of("run", runId.toString(), "error", e.getClass().getSimpleName()));
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void scheduleResume(UUID runId) {
        timers.schedule(RESUME, runId, clock.instant().plus(resumeAfter));
    }

    private void completeRequestIfOpen(ErasureRuns.Run run) {
        if (run.requestId() == null || !runs.byRequest(run.requestId()).stream().allMatch(r -> r.state().equals("CERTIFIED"))) {
            return;
        }
        DataSubjectRequest request = requests.get(run.requestId());
        if (request.getStatus() == RequestStatus.IN_PROGRESS) {
            requests.completeUnattended(request.getId(), "erasure finished and certified after an interruption",
                    new SubjectKeys(Map.of()));
        }
    }

    /** The kind of subject a run erases: runs from before kinds existed erase the map's first kind. */
    public static String kindOf(ErasureRuns.Run run, DataMap map) {
        return run.subjectKind() == null ? map.subject().name() : run.subjectKind();
    }

    private void requireNoHolds(List<Object> keys, java.util.Set<String> tenants, List<SubjectErasure.TableAction> actions,
                                String what) {
        TreeSet<String> categories = new TreeSet<>();
        actions.stream().filter(a -> a.rows() > 0).forEach(a -> categories.add(a.category()));
        holds.requireNone(new TreeSet<>(tenants), keys.stream().map(Object::toString).toList(), categories,
                "Erasure for " + what);
    }

    /** What the erasure puts in place of a value it must keep but not show: keyed, so only Quaestor can link it back. */
    String pseudonym(String column, String value) {
        return "ps_" + HexFormat.of().formatHex(serverKey.hmac("erasure-pseudonym:" + column, value), 0, 16);
    }

    /** The pseudonyms the subject's identifiers become in each pseudonymized column: expected only in kept rows. */
    private List<String> pseudonyms(DataMap map, Map<String, List<String>> identifiers) {
        List<String> values = new ArrayList<>();
        for (String context : engine(map).pseudonymContexts()) {
            identifiers.values().forEach(list -> list.forEach(v -> values.add(pseudonym(context, v))));
        }
        return values;
    }

    private SubjectErasure engine(DataMap map) {
        return new SubjectErasure(map, maps.subjectStore(map));
    }

    private SecretKey sealingKey() {
        return serverKey.derivedKey("erasure-identifiers");
    }

    private static byte[] context(UUID runId) {
        return ("quaestor-erasure-run/1:" + runId).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] seal(Subject subject) {
        JsonArrayBuilder keys = Json.createArrayBuilder();
        subject.keys().forEach(k -> keys.add(k.toString()));
        JsonObjectBuilder identifiers = Json.createObjectBuilder();
        subject.identifiers().forEach((kind, values) -> identifiers.add(kind, Json.createArrayBuilder(values)));
        return Json.createObjectBuilder().add("keys", keys).add("identifiers", identifiers).build().toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    Subject unseal(ErasureRuns.Run run) {
        if (run.sealedIdentifiers() == null) {
            throw new StateConflictException("This erasure is certified; its subject's identifiers no longer exist.");
        }
        JsonObject o = ErasureJson.object(new String(SealedStream.open(sealingKey(), run.sealedIdentifiers(), context(run.id())),
                StandardCharsets.UTF_8));
        List<Object> keys = new ArrayList<>();
        DataMap.Subject subject = maps.active().map().forKind(kindOf(run, maps.active().map())).subject();
        // Keys were sealed as text; they come back in the store key's own type (a UUID, a number, or text as LiteLLM's user ids).
        o.getJsonArray("keys").getValuesAs(jakarta.json.JsonString.class).forEach(k -> keys.add(
                io.quaestor.datamap.entity.SubjectIdentifier.of("account-id", k.getString(), subject).value()));
        Map<String, List<String>> identifiers = new TreeMap<>();
        o.getJsonObject("identifiers").forEach((kind, values) -> identifiers.put(kind,
                values.asJsonArray().getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList()));
        return new Subject(keys, identifiers);
    }

    private static String applied(List<SubjectErasure.TableAction> committed, List<SubjectErasure.TableAction> pending) {
        JsonObjectBuilder o = Json.createObjectBuilder().add("committed", ErasureJson.actions(committed));
        o.add("pending", pending == null ? JsonValue.NULL : ErasureJson.actions(pending));
        return o.build().toString();
    }

    /** Adds the pending counts to the committed ones, table by table. */
    private static JsonObject committed(JsonObject applied) {
        if (applied.isNull("pending")) {
            return applied;
        }
        Map<String, SubjectErasure.TableAction> totals = new LinkedHashMap<>();
        for (SubjectErasure.TableAction a : ErasureJson.actions(applied.getJsonArray("committed").toString())) {
            totals.put(a.store() + "." + a.table(), a);
        }
        for (SubjectErasure.TableAction a : ErasureJson.actions(applied.getJsonArray("pending").toString())) {
            totals.merge(a.store() + "." + a.table(), a, (x, y) -> x.withRows(x.rows() + y.rows()));
        }
        return Json.createReader(new java.io.StringReader(applied(new ArrayList<>(totals.values()), null))).readObject();
    }

    private static JsonObject withoutPending(JsonObject applied) {
        return Json.createObjectBuilder(applied).add("pending", JsonValue.NULL).build();
    }

    private static boolean advisory(Connection c, String function, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + function + "(?)")) {
            s.setLong(1, id.getMostSignificantBits() ^ id.getLeastSignificantBits());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
