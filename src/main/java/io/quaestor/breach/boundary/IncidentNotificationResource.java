package io.quaestor.breach.boundary;

import io.quaestor.platform.http.MultiLine;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.breach.control.AuthorityReports;
import io.quaestor.breach.control.BreachScope;
import io.quaestor.breach.control.IncidentScopes;
import io.quaestor.breach.control.UserNotices;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What an incident touched and who is told: scopes computed from the stores, user-notice campaigns, reports to the authority. */
@IncidentSubResource
@Path("incidents/{id}/notification")
@Tag(name = "Breach notification")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentNotificationResource {

    static final String KEY = "^[A-Za-z0-9._:-]{1,100}$";

    public static class ScopeRequest {
        @Size(max = 1000)
        public List<@NotNull @Pattern(regexp = KEY, message = "a tenant id") String> tenants;

        @Size(max = 100_000)
        public List<@NotNull @Pattern(regexp = KEY, message = "an account id") String> accounts;

        public String from;

        public String to;

        @Pattern(regexp = "^[a-z0-9-]{1,50}$", message = "a region name of the data map")
        public String region;

        @Size(max = 50)
        public List<@NotNull @Pattern(regexp = "^[a-z0-9-]{1,50}$", message = "a data category of the data map") String> categories;

        /** Says that every subject may be affected (no narrowing). */
        public Boolean everyone;
    }

    public static class NoticeRequest {
        @NotNull
        public UUID scopeId;

        @Pattern(regexp = "^[a-z]{2}(-[A-Z]{2})?$", message = "a language tag such as en or pt-BR")
        public String language;

        /** whatHappened, remediation, prevention (required) and whatYouCanDo. */
        @NotNull
        @MultiLine
        public Map<String, @Size(max = 10_000) String> fields;

        /** The responder's own wording per language ("Subject: ..." first line), instead of the shipped template. */
        @MultiLine
        public Map<String, @Size(max = 20_000) String> templates;
    }

    public static class ReportRequest {
        @NotNull
        @Pattern(regexp = "INITIAL|FOLLOW_UP|FINAL", message = "must be INITIAL, FOLLOW_UP or FINAL")
        public String phase;

        @NotBlank
        @Size(max = 10_000)
        @MultiLine
        public String nature;

        @NotBlank
        @Size(max = 10_000)
        @MultiLine
        public String likelyConsequences;

        @NotBlank
        @Size(max = 10_000)
        @MultiLine
        public String measuresTaken;

        @NotBlank
        @Size(max = 10_000)
        @MultiLine
        public String measuresProposed;

        public Boolean crossBorder;

        @Size(max = 30)
        public List<@NotBlank @Size(max = 200) String> authoritiesConcerned;

        @Size(max = 200)
        public String leadAuthority;

        /** Required when the first report comes after the 72 hours. */
        @Size(max = 10_000)
        @MultiLine
        public String delayReasons;

        public UUID scopeId;

        public Long subjectsApprox;

        public Long recordsApprox;

        @Size(max = 2000)
        public String subjectCategories;
    }

    @Inject
    IncidentScopes scopes;

    @Inject
    UserNotices notices;

    @Inject
    AuthorityReports reports;

    @Inject
    AuditLog audit;

    @Inject
    CallerContext callers;

    @POST
    @Path("scopes")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Compute from the stores how many subjects and records the described set holds, per table; kept with the incident")
    public Response computeScope(@PathParam("id") UUID id, @Valid @NotNull ScopeRequest body) {
        BreachScope.Description description = new BreachScope.Description(list(body.tenants), list(body.accounts),
                body.from == null ? null : Params.instant("from", body.from), body.to == null ? null : Params.instant("to", body.to),
                body.region, list(body.categories), Boolean.TRUE.equals(body.everyone));
        return Response.status(201).entity(scopes.compute(id, description, callers.require())).build();
    }

    @GET
    @Path("scopes")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "Every scope computed for the incident")
    public List<IncidentScopes.Stored> scopes(@PathParam("id") UUID id) {
        return scopes.of(id);
    }

    @GET
    @Path("scopes/{scopeId}/accounts")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Produces("text/csv")
    @Operation(summary = "Stream the accounts a scope covers now (subject key, tenant) as CSV; the export is in the audit trail")
    public Response accounts(@PathParam("id") UUID id, @PathParam("scopeId") UUID scopeId) {
        IncidentScopes.Stored scope = scopes.get(id, scopeId);
        Caller caller = callers.require();
        audit.appendAction(caller, "breach.scope-accounts-exported", "incident", id.toString(), null, Map.of("scope", scopeId.toString(),
                "subjects", Long.toString(scope.subjects())));
        StreamingOutput csv = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write("subject_key,tenant\r\n");
            scopes.accounts(id, scopeId, a -> {
                try {
                    writer.write(a.key() + "," + (a.tenant() == null ? "" : a.tenant()) + "\r\n");
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.flush();
        };
        return Response.ok(csv).header("Content-Disposition", "attachment; filename=\"scope-" + scopeId + "-accounts.csv\"").build();
    }

    @POST
    @Path("notices")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Notify the scope's subjects by email from a template; each recipient gets a delivery record; resumable")
    public Response startNotices(@PathParam("id") UUID id, @Valid @NotNull NoticeRequest body) {
        return Response.status(201).entity(notices.start(id, body.scopeId, body.fields, body.language == null ? "en" : body.language,
                body.templates == null ? Map.of() : body.templates, callers.require())).build();
    }

    @POST
    @Path("notices/preview")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Render the notice as a campaign with these fields would send it (subject line and body); stores and sends nothing")
    public UserNotices.Preview previewNotice(@PathParam("id") UUID id, @Valid @NotNull NoticeRequest body) {
        return notices.preview(id, body.scopeId, body.fields, body.language == null ? "en" : body.language,
                body.templates == null ? Map.of() : body.templates);
    }

    @GET
    @Path("notices")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The incident's notice campaigns with their progress: enqueued, sent, without address, failing, given up")
    public List<UserNotices.Campaign> campaigns(@PathParam("id") UUID id) {
        return notices.of(id);
    }

    @GET
    @Path("notices/{campaignId}/failures")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Operation(summary = "Recipients whose notice failed, is retrying, or had no address (subject key and error kind)")
    public List<UserNotices.Failure> failures(@PathParam("id") UUID id, @PathParam("campaignId") UUID campaignId,
                                              @QueryParam("limit") String limit) {
        return notices.failures(id, campaignId, (int) Params.number("limit", limit, 100, 1, 10_000));
    }

    @POST
    @Path("authority-reports")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Prepare the next report to the supervisory authority (initial, follow-up, final); its digest is sealed in the trail")
    public Response report(@PathParam("id") UUID id, @Valid @NotNull ReportRequest body) {
        AuthorityReports.Report report = reports.create(id, draft(body), callers.require());
        return Response.status(201).entity(report).build();
    }

    @POST
    @Path("authority-reports/preview")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces("application/pdf")
    @Operation(summary = "The next report as a PDF marked as a preview, checked as recording it would be; records, seals and sends nothing")
    public Response previewReport(@PathParam("id") UUID id, @Valid @NotNull ReportRequest body) {
        byte[] pdf = reports.preview(id, draft(body), callers.require());
        return Response.ok(pdf, "application/pdf").header("Content-Disposition", "inline; filename=\"authority-report-preview.pdf\"")
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("authority-reports")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The reports made to the authority, in order")
    public List<AuthorityReports.Report> reports(@PathParam("id") UUID id) {
        return reports.of(id);
    }

    @GET
    @Path("authority-reports/{number}")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Produces({MediaType.APPLICATION_JSON, "application/pdf"})
    @Operation(summary = "One report: the JSON body exactly as digested, or (Accept: application/pdf) the document")
    public Response report(@PathParam("id") UUID id, @PathParam("number") int number, @HeaderParam("Accept") String accept) {
        AuthorityReports.Report report = reports.get(id, number);
        if (accept != null && accept.contains("application/pdf")) {
            return Response.ok(reports.pdf(report), "application/pdf").header("Content-Disposition",
                    "attachment; filename=\"authority-report-" + report.number() + ".pdf\"").build();
        }
        return Response.ok(report.body().toString(), MediaType.APPLICATION_JSON).header("Repr-Digest", "sha-256=:"
                + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(report.sha256())) + ":").build();
    }

    private static AuthorityReports.Draft draft(ReportRequest body) {
        return new AuthorityReports.Draft(body.phase, body.nature, body.likelyConsequences, body.measuresTaken, body.measuresProposed,
                Boolean.TRUE.equals(body.crossBorder), list(body.authoritiesConcerned), body.leadAuthority, body.delayReasons, body.scopeId,
                body.subjectsApprox, body.recordsApprox, body.subjectCategories);
    }

    private static List<String> list(List<String> values) {
        return values == null ? List.of() : values;
    }
}
