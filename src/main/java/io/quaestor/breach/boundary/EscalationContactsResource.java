package io.quaestor.breach.boundary;

import io.quaestor.breach.control.EscalationContacts;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** Who breach escalations reach besides the owner: people by email, systems by signed webhook. */
@Path("escalation-contacts")
@Tag(name = "Breach notification")
@Produces(MediaType.APPLICATION_JSON)
public class EscalationContactsResource {

    public static class NewContact {
        @NotBlank
        @Size(min = 2, max = 200)
        public String name;

        @NotNull
        @Pattern(regexp = "EMAIL|WEBHOOK", message = "must be EMAIL or WEBHOOK")
        public String channel;

        /** An email address, or an https URL for a webhook. */
        @NotBlank
        @Size(max = 2000)
        public String address;
    }

    @Inject
    EscalationContacts contacts;

    @Inject
    CallerContext callers;

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a contact; a webhook contact's signing secret is in this answer only (HMAC-SHA256, header Quaestor-Signature)")
    public Response add(@Valid @NotNull NewContact body) {
        return Response.status(201).entity(contacts.add(body.name, body.channel, body.address, callers.require())).build();
    }

    @GET
    @RolesAllowed({Role.Names.ADMIN, Role.Names.INCIDENT_RESPONDER})
    @Operation(summary = "The escalation contacts, active or not")
    public List<EscalationContacts.Contact> list() {
        return contacts.list();
    }

    @POST
    @Path("{id}/deactivation")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Stop escalating to a contact (kept for the delivery log)")
    public EscalationContacts.Contact deactivate(@PathParam("id") UUID id) {
        return contacts.deactivate(id, callers.require());
    }
}
