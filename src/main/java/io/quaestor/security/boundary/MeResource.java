package io.quaestor.security.boundary;

import io.quaestor.security.control.AllowedBeforePasswordChange;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.control.StaffDirectory;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Set;
import java.util.UUID;

/** The caller's own account. */
@Path("me")
@Tag(name = "Sessions")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    public record CallerView(UUID id, String username, Set<String> roles, String authenticationMethod,
                             boolean passwordChangeRequired) {
    }

    /** A request body (a class, not a record: see SessionResource.SignInRequest). */
    public static class PasswordChange {
        @NotNull
        @Size(min = 1, max = 256)
        public String currentPassword;

        @NotNull
        @Size(min = 1, max = 256)
        public String newPassword;
    }

    @Inject
    CallerContext callers;

    @Inject
    StaffDirectory staff;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR, Role.Names.INCIDENT_RESPONDER,
            Role.Names.OPERATOR, Role.Names.ADMIN, Role.Names.GATEWAY})
    @AllowedBeforePasswordChange
    @Operation(summary = "Who am I: the authenticated caller and the roles this request carries")
    public CallerView whoAmI() {
        Caller caller = callers.require();
        return new CallerView(caller.userId(), caller.username(), SecurityViews.names(caller.roles()),
                caller.method().name(), caller.passwordChangeRequired());
    }

    @PUT
    @Path("password")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR, Role.Names.INCIDENT_RESPONDER,
            Role.Names.OPERATOR, Role.Names.ADMIN})
    @AllowedBeforePasswordChange
    @Operation(summary = "Replace my password (required after a temporary one was issued)")
    public Response changePassword(@Valid PasswordChange change) {
        staff.changeOwnPassword(callers.require(), change.currentPassword, change.newPassword);
        return Response.noContent().build();
    }
}
