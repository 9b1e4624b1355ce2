package io.quaestor.security.boundary;

import io.quaestor.security.control.CallerContext;
import io.quaestor.security.control.StaffDirectory;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Set;
import java.util.UUID;

/** One staff account. */
@Path("users/{id}")
@Tag(name = "Staff users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    /** A request body (a class, not a record: see SessionResource.SignInRequest). */
    public static class RoleAssignment {
        @NotNull
        @Size(min = 1, max = 6)
        public Set<@NotNull @Pattern(regexp = Role.Names.PATTERN, message = "must be one of " + Role.Names.PATTERN) String> roles;
    }

    public static class EmailAddress {
        /** Null removes the address. */
        @Email
        @Size(max = 254)
        public String email;
    }

    public record TemporaryPasswordView(String temporaryPassword) {
    }

    @Inject
    StaffDirectory staff;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Read a staff user")
    public SecurityViews.UserView get(@PathParam("id") UUID id) {
        return SecurityViews.of(staff.get(id));
    }

    @PUT
    @Path("roles")
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a staff user's roles (the last active administrator keeps ADMIN)")
    public SecurityViews.UserView replaceRoles(@PathParam("id") UUID id, @Valid RoleAssignment request) {
        return SecurityViews.of(staff.replaceRoles(id, SecurityViews.roles(request.roles), callers.require()));
    }

    @PUT
    @Path("email")
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the address that breach reminders and escalations are mailed to (null removes it)")
    public SecurityViews.UserView changeEmail(@PathParam("id") UUID id, @Valid @NotNull EmailAddress request) {
        return SecurityViews.of(staff.changeEmail(id, request.email, callers.require()));
    }

    @POST
    @Path("deactivation")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Deactivate a staff user: sessions end and tokens are revoked at once")
    public SecurityViews.UserView deactivate(@PathParam("id") UUID id) {
        return SecurityViews.of(staff.deactivate(id, callers.require()));
    }

    @POST
    @Path("password-reset")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Issue a new temporary password (shown once); the person must replace it at sign-in")
    public TemporaryPasswordView resetPassword(@PathParam("id") UUID id) {
        return new TemporaryPasswordView(staff.resetPassword(id, callers.require()));
    }
}
