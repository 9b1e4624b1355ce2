package io.quaestor.dsar.boundary;

import io.quaestor.audit.control.AuditSealing;
import io.quaestor.dsar.control.OpenDsr;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The OpenDSR (OpenGDPR 0.1) interface for controllers and processors: discovery, requests,
 * status, cancellation, and signed status callbacks. Senders are service identities holding the
 * GATEWAY role (docs/opendsr.md).
 */
@Path("opendsr")
@Tag(name = "OpenDSR")
@Produces(MediaType.APPLICATION_JSON)
public class OpenDsrResource {

    static final List<String> TYPES = List.of("access", "portability", "erasure", "rectification", "restriction", "objection");

    public static class Identity {
        @NotNull
        @Pattern(regexp = "email", message = "only email identities are supported (see discovery)")
        @JsonbProperty("identity_type")
        public String identityType;

        @NotNull
        @Size(min = 3, max = 320)
        @JsonbProperty("identity_value")
        public String identityValue;

        @NotNull
        @Pattern(regexp = "raw", message = "only raw identities are supported (see discovery)")
        @JsonbProperty("identity_format")
        public String identityFormat;
    }

    public static class OpenDsrRequest {
        @NotNull
        @JsonbProperty("subject_request_id")
        public UUID subjectRequestId;

        @NotNull
        @Pattern(regexp = "access|portability|erasure|rectification|restriction|objection",
                message = "must be access, portability, erasure, rectification, restriction or objection")
        @JsonbProperty("subject_request_type")
        public String subjectRequestType;

        @NotNull
        @JsonbProperty("submitted_time")
        public String submittedTime;

        @NotNull
        @Size(min = 1, max = 5)
        public List<@NotNull @Valid Identity> identities;

        @Size(max = 3)
        @JsonbProperty("status_callback_urls")
        public List<@NotNull @Pattern(regexp = "^https?://[^\\s]{1,500}$", message = "an http(s) URL") String> statusCallbackUrls;

        @NotNull
        @Pattern(regexp = "0\\.1|1\\.0", message = "must be 0.1 or 1.0")
        @JsonbProperty("api_version")
        public String apiVersion;

        @Size(max = 200)
        @JsonbProperty("property_id")
        public String propertyId;

        public Map<String, String> extensions;
    }

    public record Accepted(@JsonbProperty("controller_id") String controllerId,
                           @JsonbProperty("expected_completion_time") Instant expectedCompletionTime,
                           @JsonbProperty("received_time") Instant receivedTime,
                           @JsonbProperty("encoded_request") String encodedRequest,
                           @JsonbProperty("subject_request_id") UUID subjectRequestId) {
    }

    public record StatusView(@JsonbProperty("controller_id") String controllerId,
                             @JsonbProperty("expected_completion_time") Instant expectedCompletionTime,
                             @JsonbProperty("subject_request_id") UUID subjectRequestId,
                             @JsonbProperty("request_status") String requestStatus,
                             @JsonbProperty("api_version") String apiVersion) {
    }

    @Inject
    OpenDsr openDsr;

    @Inject
    AuditSealing sealing;

    @Inject
    CallerContext callers;

    @GET
    @Path("discovery")
    @PermitAll
    @Operation(summary = "What this endpoint supports: API version, identities, request types, the callback signing key")
    public Response discovery() {
        JsonArrayBuilder types = Json.createArrayBuilder();
        TYPES.forEach(types::add);
        return Response.ok(Json.createObjectBuilder().add("api_version", "0.1")
                .add("supported_identities", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("identity_type", "email").add("identity_format", "raw")))
                .add("supported_subject_request_types", types)
                .add("processor_certificate", "/api/opendsr/public-key")
                .add("signature_algorithm", "Ed25519").build().toString()).build();
    }

    public record PublicKey(String algorithm, String format, String key) {
    }

    @GET
    @Path("public-key")
    @PermitAll
    @Operation(summary = "The Ed25519 public key (X.509, base64) that signs status callbacks")
    public PublicKey publicKey() {
        return new PublicKey("Ed25519", "X.509", sealing.requireSigner().publicKeyBase64());
    }

    @POST
    @Path("requests")
    @RolesAllowed(Role.Names.GATEWAY)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a data-subject request (OpenDSR); the same subject_request_id again is idempotent")
    public Response submit(@Valid @NotNull OpenDsrRequest body) {
        Instant submitted = Params.instant("submitted_time", body.submittedTime);
        String email = PublicRequestsResource.email(body.identities.stream().filter(i -> i.identityType.equals("email"))
                .findFirst().orElseThrow().identityValue);
        List<String> callbacks = body.statusCallbackUrls == null ? List.of() : body.statusCallbackUrls;
        RequestType type = RequestType.valueOf(body.subjectRequestType.toUpperCase(Locale.ROOT));
        OpenDsr.Receipt receipt = openDsr.submit(new OpenDsr.Submission(body.subjectRequestId, type, submitted, email, callbacks,
                body.apiVersion, canonical(body, submitted, email, callbacks)), callers.require());
        return Response.created(URI.create("api/opendsr/requests/" + receipt.subjectRequestId()))
                .entity(new Accepted(OpenDsr.CONTROLLER_ID, receipt.expectedCompletionTime(), receipt.receivedTime(),
                        receipt.encodedRequest(), receipt.subjectRequestId())).build();
    }

    @GET
    @Path("requests/{id}")
    @RolesAllowed(Role.Names.GATEWAY)
    @Operation(summary = "A submitted request's status: pending, in_progress, completed or cancelled")
    public StatusView status(@PathParam("id") UUID id) {
        return view(openDsr.status(id));
    }

    @DELETE
    @Path("requests/{id}")
    @RolesAllowed(Role.Names.GATEWAY)
    @Operation(summary = "Cancel a submitted request that is not finished")
    public StatusView cancel(@PathParam("id") UUID id) {
        return view(openDsr.cancel(id, callers.require()));
    }

    private static StatusView view(OpenDsr.Status status) {
        return new StatusView(OpenDsr.CONTROLLER_ID, status.expectedCompletionTime(), status.subjectRequestId(),
                status.requestStatus(), status.apiVersion());
    }

    /** What identifies a submission's content: the fields that matter, in a fixed order (for idempotency). */
    private static String canonical(OpenDsrRequest body, Instant submitted, String email, List<String> callbacks) {
        JsonArrayBuilder urls = Json.createArrayBuilder();
        callbacks.forEach(urls::add);
        return Json.createObjectBuilder().add("api_version", body.apiVersion).add("email", email)
                .add("status_callback_urls", urls).add("subject_request_id", body.subjectRequestId.toString())
                .add("subject_request_type", body.subjectRequestType).add("submitted_time", submitted.toString())
                .build().toString();
    }
}
