package io.quaestor.dsar.boundary;

import io.quaestor.platform.http.MultiLine;
import io.quaestor.datamap.control.DataMaps;
import io.quaestor.datamap.entity.DataMap;
import io.quaestor.datamap.entity.SubjectIdentifier;
import io.quaestor.dsar.control.DataSubjectRequests;
import io.quaestor.dsar.control.IntakeThrottle;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.dsar.entity.SubjectRegion;
import io.quaestor.platform.problem.InvalidInputException;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Where data subjects file requests and confirm them. The answer to a filing is the same whether
 * or not anyone with that email or account exists, and nothing is stored beyond the request.
 */
@Path("public/requests")
@Tag(name = "Data-subject requests (public)")
@Produces(MediaType.APPLICATION_JSON)
public class PublicRequestsResource {

    static final String TYPES = "ACCESS|RECTIFICATION|ERASURE|RESTRICTION|OBJECTION|CONSENT_WITHDRAWAL|PORTABILITY";
    static final String REGIONS = "EU|UK|US_CA|US_OTHER|CN|OTHER";
    static final String SCOPE = "^[^\\p{Cntrl}]{1,200}$";
    private static final Set<RequestType> CONTENT_TYPES = Set.of(RequestType.ACCESS, RequestType.PORTABILITY, RequestType.ERASURE);

    public static class Filing {
        @NotNull
        @Pattern(regexp = TYPES, message = "must be one of " + TYPES)
        public String type;

        @Size(max = 320)
        public String email;

        @Size(max = 100)
        public String accountId;

        @NotNull
        @Pattern(regexp = REGIONS, message = "must be one of " + REGIONS)
        public String region;

        @Size(max = 2000)
        @MultiLine
        public String details;

        /** For a withdrawal of consent: what the consent covered (for example "product-updates-email"). */
        @Pattern(regexp = SCOPE, message = "what the consent covered: up to 200 printable characters")
        public String consentScope;
    }

    public static class Confirmation {
        @NotNull
        @Pattern(regexp = "^\\s*[0-9]{8}\\s*$", message = "the 8-digit code from the email")
        public String code;
    }

    /** What prompt and completion content exists: none here; where it went. */
    public record ContentNote(boolean heldByUs, String statement, List<Provider> providers) {
    }

    public record Provider(String name, String note) {
    }

    public record Filed(UUID requestId, String reference, String status, String message, ContentNote promptContent) {
    }

    public record Confirmed(String reference, String status) {
    }

    @Inject
    DataSubjectRequests requests;

    @Inject
    IntakeThrottle throttle;

    @Inject
    DataMaps maps;

    @POST
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "File a data-subject request; a confirmation code goes to the email address")
    public Response file(@Valid @NotNull Filing filing, @Context HttpServletRequest http) {
        if ((filing.email == null) == (filing.accountId == null)) {
            throw new InvalidInputException("email", "Give either your email address or your account id.");
        }
        String email = filing.email == null ? null : email(filing.email);
        if (filing.accountId != null) {
            accountId(filing.accountId, maps.active().map());
        }
        RequestType type = RequestType.valueOf(filing.type);
        requireScope(type, filing.consentScope);
        throttle.filing(http.getRemoteAddr(), email, filing.accountId);
        DataSubjectRequest request = requests.filePublic(new DataSubjectRequests.PublicIntake(type, email, filing.accountId,
                SubjectRegion.valueOf(filing.region), blankToNull(filing.details), filing.consentScope));
        return Response.accepted(new Filed(request.getId(), request.getReference(), request.getStatus().name(),
                "If the address can receive mail, a confirmation code is on its way. Your request lapses unless you confirm it.",
                CONTENT_TYPES.contains(type) ? contentNote() : null)).build();
    }

    @POST
    @Path("{id}/verification")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Confirm a request with the code from the email")
    public Confirmed confirm(@PathParam("id") UUID id, @Valid @NotNull Confirmation confirmation) {
        DataSubjectRequest request = requests.verify(id, confirmation.code.strip());
        return new Confirmed(request.getReference(), request.getStatus().name());
    }

    @POST
    @Path("{id}/verification-code")
    @PermitAll
    @Operation(summary = "Send a new confirmation code (the old one stops working)")
    public Response resend(@PathParam("id") UUID id, @Context HttpServletRequest http) {
        requests.resendCode(id, http.getRemoteAddr());
        return Response.accepted().build();
    }

    private ContentNote contentNote() {
        DataMap map = maps.active().map();
        List<Provider> providers = map.recipients().stream().filter(r -> r.contentNote() != null)
                .map((DataMap.Recipient r) -> new Provider(r.name(), r.contentNote())).toList();
        if (map.holdsContent()) {
            return new ContentNote(true, "We keep the text of some prompts and completions sent through the gateway. What we keep"
                    + " about you is part of your access package, is kept no longer than our retention schedule says, and is erased"
                    + " with the rest of your data.", providers);
        }
        return new ContentNote(false, "We do not keep the text of prompts or completions: they pass through the gateway "
                + "to the model provider and are not stored by us. Ask the provider that served your requests for that content.",
                providers);
    }

    /** The address, lower-cased; a malformed one is a 422 naming {@code email}. */
    static String email(String raw) {
        try {
            return (String) SubjectIdentifier.of("email", raw).value();
        } catch (InvalidInputException e) {
            throw new InvalidInputException("email", "This is not an email address.");
        }
    }

    /** A withdrawal of consent says what it withdraws; other requests have no scope. */
    static void requireScope(RequestType type, String scope) {
        if (type == RequestType.CONSENT_WITHDRAWAL && scope == null) {
            throw new InvalidInputException("consentScope", "Say which consent you withdraw.");
        }
        if (type != RequestType.CONSENT_WITHDRAWAL && scope != null) {
            throw new InvalidInputException("consentScope", "Only a withdrawal of consent has a scope.");
        }
    }

    /** An account id in the form of some kind of subject's key; a malformed one is a 422 naming {@code accountId}. */
    static void accountId(String raw, io.quaestor.datamap.entity.DataMap map) {
        SubjectIdentifier.requireAccountId(raw, map, "accountId");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
