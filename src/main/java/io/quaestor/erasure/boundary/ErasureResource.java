package io.quaestor.erasure.boundary;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.erasure.control.DeletionCertificates;
import io.quaestor.erasure.control.ErasureRuns;
import io.quaestor.erasure.control.Erasures;
import io.quaestor.platform.problem.NotFoundException;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.StringReader;
import java.util.List;
import java.util.UUID;

/** Where a request's erasure stands (by the request's id), and its deletion certificate as JSON (the sealed original) or PDF. */
@Path("dsar/erasures/{id}")
@Tag(name = "Data-subject requests")
public class ErasureResource {

    @Inject
    ErasureRuns runs;

    @Inject
    DeletionCertificates certificates;

    @Inject
    DataMaps maps;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The request's erasure run: its state, the plan, what was applied, attempts, the last scan and the last failure's cause")
    public JsonObject run(@PathParam("id") UUID id,
                          @Parameter(description = "The kind of subject (a request found as several kinds has one run per kind);"
                                  + " absent: the first run") @QueryParam("kind") String kind) {
        List<ErasureRuns.Run> all = runs.byRequest(id);
        DataMap map = maps.active().map();
        ErasureRuns.Run run = all.stream().filter(r -> kind == null || kind.equals(Erasures.kindOf(r, map))).findFirst()
                .orElseThrow(() -> new NotFoundException("No erasure was started for this request" + (kind == null ? "" : " and kind") + "."));
        JsonArrayBuilder kinds = Json.createArrayBuilder();
        all.forEach(r -> kinds.add(Json.createObjectBuilder().add("kind", Erasures.kindOf(r, map)).add("state", r.state())));
        JsonObjectBuilder o = Json.createObjectBuilder().add("id", run.id().toString()).add("state", run.state())
                .add("subjectKind", Erasures.kindOf(run, map)).add("kinds", kinds)
                .add("cause", run.cause()).add("subject", run.subjectPseudonym()).add("dataMapVersion", run.dataMapVersion())
                .add("attempts", run.attempts()).add("startedBy", run.startedBy()).add("startedAt", run.startedAt().toString())
                .add("planned", parse(run.planned())).add("applied", parse(run.applied()));
        if (run.scan() != null) {
            o.add("scan", parse(run.scan()));
        }
        if (run.finishedAt() != null) {
            o.add("finishedAt", run.finishedAt().toString());
        }
        if (run.lastError() != null) {
            o.add("lastError", Json.createObjectBuilder().add("cause", run.lastError()).add("at", run.lastErrorAt().toString()));
        }
        return o.build();
    }

    @GET
    @Path("certificate")
    @Produces({MediaType.APPLICATION_JSON, "application/pdf"})
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The deletion certificate; its SHA-256 (header Digest) is sealed in the audit trail",
            description = "Accept: application/pdf for the document; the JSON body is byte for byte what was digested.")
    public Response certificate(@PathParam("id") UUID id, @jakarta.ws.rs.HeaderParam("Accept") String accept,
                                @Parameter(description = "The kind of subject whose run's certificate; absent: the first run's")
                                @QueryParam("kind") String kind) {
        DeletionCertificates.Certificate certificate = certificates.require(id, kind);
        boolean pdf = accept != null && accept.contains("application/pdf");
        Response.ResponseBuilder response = pdf
                ? Response.ok(certificates.pdf(certificate), "application/pdf")
                .header("Content-Disposition", "attachment; filename=\"deletion-certificate-" + certificate.runId() + ".pdf\"")
                : Response.ok(certificate.content(), MediaType.APPLICATION_JSON).header("Repr-Digest", "sha-256=:"
                + java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(certificate.sha256())) + ":");
        return response.header("X-Certificate-SHA256", certificate.sha256())
                .header("X-Audit-Event", certificate.auditEventId().toString()).build();
    }

    private static jakarta.json.JsonValue parse(String json) {
        return Json.createReader(new StringReader(json)).readValue();
    }
}
