package io.quaestor.retention.boundary;

import io.quaestor.audit.control.AuditLog;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.retention.batch.RetentionStore;
import io.quaestor.retention.control.OwnRecords;
import io.quaestor.retention.control.RetentionRecords;
import io.quaestor.retention.control.RetentionRules;
import io.quaestor.retention.control.RetentionRuns;
import io.quaestor.retention.control.RetentionSchedule;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Retention: start (or dry-run), stop and restart runs; read their deletion records; set the schedule and tenants' periods. */
@Path("retention")
@Tag(name = "Retention")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {

    public static class NewRun {
        /** Report what would go, touching nothing; a real purge must say {@code "dryRun": false}. */
        @NotNull(message = "say true to report only, or false to purge")
        public Boolean dryRun;
    }

    public static class Schedule {
        @NotNull
        public String dailyAt;
    }

    public static class TenantRetention {
        @NotNull
        public Integer metadataRetentionDays;
    }

    /** A run with its partitions' progress. */
    public record RunDetail(RetentionRuns.Run run, List<RetentionRuns.Partition> partitions) {
    }

    @Inject
    RetentionRuns runs;

    @Inject
    RetentionRecords records;

    @Inject
    RetentionSchedule schedule;

    @Inject
    OwnRecords ownRecords;

    @Inject
    RetentionStore stores;

    @Inject
    DataMaps maps;

    @Inject
    AuditLog audit;

    @Inject
    CallerContext callers;

    @POST
    @Path("runs")
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a retention run now (dryRun true: report only; false: purge, never by default); 409 while one runs")
    public Response start(@Valid @NotNull NewRun body, @Context UriInfo uri) {
        boolean dry = body.dryRun;
        UUID id = runs.start(dry, callers.require().userId().toString());
        return Response.accepted(runs.require(id)).location(uri.getAbsolutePathBuilder().path(id.toString()).build()).build();
    }

    @POST
    @Path("closed-account-erasures")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Erase now every account closed longer ago than the data map allows (also run nightly)")
    public Response eraseClosedAccounts() {
        long execution = runs.startClosedAccountErasure();
        audit.appendAction(callers.require(), "retention.closed-account-erasure-started", "retention-job", Long.toString(execution),
                null, Map.of());
        return Response.accepted(Map.of("jobExecution", execution)).build();
    }

    @POST
    @Path("housekeeping")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Apply Quaestor's own retention schedule now (also run nightly): verification codes, unverified requests, "
            + "closed case files, incident records, escalation logs, expired access packages")
    public Response housekeeping() {
        long execution = runs.startHousekeeping();
        audit.appendAction(callers.require(), "retention.housekeeping-started", "retention-job", Long.toString(execution), null, Map.of());
        return Response.accepted(Map.of("jobExecution", execution)).build();
    }

    /** Quaestor's own schedule as configured now, and what the latest housekeeping runs did per line. */
    public record Housekeeping(List<OwnRecords.Status> schedule, List<OwnRecords.Recorded> recorded) {
    }

    @GET
    @Path("housekeeping")
    @RolesAllowed({Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "Quaestor's own retention schedule (period, cutoff, how overdue each line is) and the records of the latest "
            + "housekeeping runs: per line the rows deleted or reduced, those a hold kept, the references reduced and a digest of the keys")
    public Housekeeping housekeepingRecords() {
        return new Housekeeping(ownRecords.status(), ownRecords.recorded(10));
    }

    @GET
    @Path("runs")
    @RolesAllowed({Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The latest retention runs, newest first")
    public List<RetentionRuns.Run> recent() {
        return runs.recent(50);
    }

    @GET
    @Path("runs/{id}")
    @RolesAllowed({Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "A run and each store x rule x tenant: cutoff, why, rows so far, checkpoint")
    public RunDetail get(@PathParam("id") UUID id) {
        return new RunDetail(runs.require(id), runs.partitions(id));
    }

    @GET
    @Path("runs/{id}/record")
    @Produces({MediaType.APPLICATION_JSON, "application/pdf"})
    @RolesAllowed({Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "The run's deletion record, JSON as sealed (its SHA-256 is in the audit trail), or as a PDF certificate")
    public Response record(@PathParam("id") UUID id, @HeaderParam("Accept") String accept) {
        RetentionRuns.Run run = runs.require(id);
        String record = runs.record(id).orElseThrow(() -> new NotFoundException("The run has not finished; its record is written last."));
        if (accept != null && accept.contains("application/pdf")) {
            return Response.ok(records.pdf(run, record), "application/pdf").header("X-Record-SHA256", run.sha256()).build();
        }
        return Response.ok(record, MediaType.APPLICATION_JSON).header("X-Record-SHA256", run.sha256())
                .header("X-Audit-Event", String.valueOf(run.auditEventId())).build();
    }

    @POST
    @Path("runs/{id}/stop")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Stop a running run after its current chunk; restartable")
    public RetentionRuns.Run stop(@PathParam("id") UUID id) {
        runs.stop(id);
        audit.appendAction(callers.require(), "retention.run-stopped", "retention-run", id.toString(), null, Map.of());
        return runs.require(id);
    }

    @POST
    @Path("runs/{id}/restart")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Continue a stopped or failed run from its checkpoints; 409 while it runs")
    public RetentionRuns.Run restart(@PathParam("id") UUID id) {
        runs.restart(id);
        audit.appendAction(callers.require(), "retention.run-restarted", "retention-run", id.toString(), null, Map.of());
        return runs.require(id);
    }

    @GET
    @Path("schedule")
    @RolesAllowed({Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "When the nightly run starts (UTC)")
    public Map<String, String> schedule() {
        return Map.of("dailyAt", schedule.dailyAt().toString());
    }

    @PUT
    @Path("schedule")
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the nightly start, HH:MM in UTC")
    public Map<String, String> setSchedule(@Valid @NotNull Schedule body) {
        return Map.of("dailyAt", schedule.set(body.dailyAt, callers.require()).toString());
    }

    @PUT
    @Path("tenants/{tenant}")
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set how long a tenant's request metadata is kept: 1 to 730 days")
    public Map<String, Object> setTenant(@PathParam("tenant") String tenant, @Valid @NotNull TenantRetention body) throws SQLException {
        RetentionRules.requireTenantDays(body.metadataRetentionDays);
        if (!stores.setTenantDays(maps.active().map(), tenant, body.metadataRetentionDays, callers.require().userId().toString())) {
            throw new NotFoundException("No tenant has this id.");
        }
        audit.appendAction(callers.require(), "retention.tenant-period-set", "tenant", tenant, tenant,
                Map.of("metadataRetentionDays", body.metadataRetentionDays.toString()));
        return Map.of("tenant", tenant, "metadataRetentionDays", body.metadataRetentionDays);
    }
}
