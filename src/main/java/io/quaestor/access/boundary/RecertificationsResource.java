package io.quaestor.access.boundary;

import io.quaestor.access.control.Recertifications;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** Access reviews: each operator's standing permission, when it is due, and its recertification by someone else. */
@Path("access/recertifications")
@Tag(name = "Operator access")
@Produces(MediaType.APPLICATION_JSON)
public class RecertificationsResource {

    public static class Recertification {
        @NotNull
        @Pattern(regexp = AccessGrantsResource.NOTE, message = "why this operator still needs access, up to 1000 printable characters")
        public String note;
    }

    @Inject
    Recertifications recertifications;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN, Role.Names.AUDITOR})
    @Operation(summary = "Every active operator's standing: certified since, due at, lapsed")
    public List<Recertifications.Standing> list() {
        return recertifications.all();
    }

    @POST
    @Path("{userId}")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.ADMIN})
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recertify an operator's access for another interval (never one's own)")
    public Recertifications.Standing recertify(@PathParam("userId") UUID userId, @Valid Recertification body) {
        return recertifications.recertify(userId, body.note, callers.require());
    }
}
