package io.quaestor.documents.boundary;

import io.quaestor.documents.control.DocumentSubscriptions;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;

/**
 * Data subjects subscribe to notices of material changes to the public documents (double opt-in),
 * confirm through the mailed link, and unsubscribe through the link in every notice.
 */
@Path("public/documents/subscriptions")
@Tag(name = "Documents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DocumentSubscriptionsResource {

    public static class NewSubscription {
        @NotNull(message = "give the address to send the notices to")
        @Size(max = 254)
        public String email;
        /** en or de; en when absent. */
        public String language;
    }

    public static class Link {
        @NotNull(message = "give the token from the link")
        @Size(max = 100)
        public String token;
    }

    @Inject
    DocumentSubscriptions subscriptions;

    @POST
    @PermitAll
    @Operation(summary = "Ask for notices of material changes to the privacy policy and sub-processor list; a confirmation link is mailed "
            + "(the answer is the same for every address)")
    public Response subscribe(@Valid @NotNull NewSubscription body) {
        subscriptions.subscribe(body.email, DocumentsResource.language(body.language));
        return Response.accepted(Map.of("message", "If the address can receive mail, a confirmation link is on its way. "
                + "Nothing else is sent until you confirm.")).build();
    }

    @POST
    @Path("confirmation")
    @PermitAll
    @Operation(summary = "Confirm a subscription with the token from the mailed link; 404 for a link that is not valid or expired")
    public Map<String, String> confirm(@Valid @NotNull Link body) {
        subscriptions.confirm(body.token);
        return Map.of("message", "Confirmed. We will write when a public document changes materially, before the change takes effect.");
    }

    @POST
    @Path("cancellation")
    @PermitAll
    @Operation(summary = "Unsubscribe with the token from a notice; the address is deleted")
    public Map<String, String> unsubscribe(@Valid @NotNull Link body) {
        subscriptions.unsubscribe(body.token);
        return Map.of("message", "Unsubscribed. Your address is deleted.");
    }
}
