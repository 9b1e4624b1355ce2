package io.quaestor.breach.boundary;

import io.quaestor.platform.http.MultiLine;
import io.quaestor.breach.control.Incidents;
import io.quaestor.breach.entity.Severity;
import io.quaestor.platform.http.Params;
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
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Personal-data breach incidents: report, decide awareness, change severity, meet or waive obligations, move, close; the register. */
@Path("incidents")
@Tag(name = "Breach notification")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentsResource {

    static final String SEVERITIES = "CRITICAL|HIGH|MEDIUM|LOW";
    static final String TEXT = "^[^\\p{Cntrl}]{3,2000}$";

    public static class NewIncident {
        @NotBlank
        @Size(min = 3, max = 200)
        public String title;

        @NotBlank
        @Size(max = 10_000)
        @MultiLine
        public String description;

        @NotNull
        @Pattern(regexp = "CONFIDENTIALITY|INTEGRITY|AVAILABILITY", message = "must be CONFIDENTIALITY, INTEGRITY or AVAILABILITY")
        public String type;

        @NotNull
        @Pattern(regexp = SEVERITIES, message = "must be CRITICAL, HIGH, MEDIUM or LOW")
        public String severity;

        /** In scope of NIS2 (adds the 24 h / 72 h / 1 month stages). */
        public Boolean nis2;

        @NotNull
        public String occurredAt;

        @NotNull
        public String detectedAt;

        /** The moment the controller became aware of a personal-data breach, if decided now. */
        public String awareAt;

        public UUID ownerId;

        @Size(max = 2000)
        public String systems;

        @Size(max = 2000)
        public String categories;

        @Size(max = 2000)
        public String tenants;

        @Size(max = 200)
        public String regions;
    }

    public static class Awareness {
        @NotNull
        public String awareAt;
    }

    public static class SeverityChange {
        @NotNull
        @Pattern(regexp = SEVERITIES, message = "must be CRITICAL, HIGH, MEDIUM or LOW")
        public String severity;

        @NotBlank
        @Pattern(regexp = TEXT, message = "why the severity changes: 3 to 2000 printable characters")
        public String reason;
    }

    public static class StatusChange {
        @NotNull
        @Pattern(regexp = "CONTAINED|RESOLVED|CLOSED", message = "must be CONTAINED, RESOLVED or CLOSED")
        public String status;
    }

    public static class Decision {
        @NotBlank
        @Pattern(regexp = TEXT, message = "3 to 2000 printable characters")
        public String text;
    }

    @Inject
    Incidents incidents;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    /** How far back an incident's times may reach: a breach can go unnoticed for years, not for decades. */
    static final Duration OLDEST = Duration.ofDays(20 * 365);

    @POST
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report an incident; its obligations and their deadlines follow from the breach rule set")
    public Response report(@Valid @NotNull NewIncident body, @Context UriInfo uri) {
        Incidents.Incident incident = incidents.report(new Incidents.Report(body.title, body.description, body.type,
                Severity.valueOf(body.severity), Boolean.TRUE.equals(body.nis2), happened("occurredAt", body.occurredAt),
                happened("detectedAt", body.detectedAt), happened("awareAt", body.awareAt),
                body.ownerId, body.systems, body.categories, body.tenants, body.regions), callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(incident.id().toString()).build()).entity(incident).build();
    }

    @GET
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The breach register (Art. 33(5)): every incident, notified or not, with each obligation's decision")
    public List<Incidents.Incident> register() {
        return incidents.register();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "One incident with its obligations and timeline")
    public Incidents.Incident get(@PathParam("id") UUID id) {
        return incidents.get(id);
    }

    @POST
    @Path("{id}/awareness")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Decide since when a personal-data breach is known (starts the authority clock); once")
    public Incidents.Incident awareness(@PathParam("id") UUID id, @Valid @NotNull Awareness body) {
        return incidents.decideAwareness(id, happened("awareAt", body.awareAt), callers.require());
    }

    @POST
    @Path("{id}/severity")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the severity, with the reason; the severity SLA follows, still from detection")
    public Incidents.Incident severity(@PathParam("id") UUID id, @Valid @NotNull SeverityChange body) {
        return incidents.changeSeverity(id, Severity.valueOf(body.severity), body.reason, callers.require());
    }

    @POST
    @Path("{id}/status")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Contain, resolve or close; closing needs every obligation met or waived (409 otherwise)")
    public Incidents.Incident status(@PathParam("id") UUID id, @Valid @NotNull StatusChange body) {
        return incidents.move(id, body.status, callers.require());
    }

    @POST
    @Path("{id}/obligations/{code}/met")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record how an obligation was met: {\"text\": evidence}")
    public Incidents.Incident met(@PathParam("id") UUID id, @PathParam("code") String code, @Valid @NotNull Decision body) {
        return incidents.meet(id, code, body.text, callers.require());
    }

    @POST
    @Path("{id}/obligations/{code}/waiver")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Decide not to fulfil an obligation, with the reasoning the register keeps: {\"text\": reason}")
    public Incidents.Incident waive(@PathParam("id") UUID id, @PathParam("code") String code, @Valid @NotNull Decision body) {
        return incidents.waive(id, code, body.text, callers.require());
    }

    private Instant happened(String field, String raw) {
        return Params.past(field, raw, clock.instant(), OLDEST);
    }
}
