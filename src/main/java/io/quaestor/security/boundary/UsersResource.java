package io.quaestor.security.boundary;

import io.quaestor.security.control.CallerContext;
import io.quaestor.security.control.StaffDirectory;
import io.quaestor.security.entity.Role;
import io.quaestor.security.entity.StaffKind;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Set;

/** Staff accounts, managed by administrators. */
@Path("users")
@Tag(name = "Staff users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    /** Letters (any script), marks, spaces, apostrophes, hyphens and dots: a name, not markup or SQL. */
    static final String DISPLAY_NAME = "^[\\p{L}\\p{M}][\\p{L}\\p{M} .'-]{0,119}$";
    static final String USERNAME = "^[a-z0-9][a-z0-9._-]{2,63}$";

    /** A request body (a class, not a record: see SessionResource.SignInRequest). */
    public static class NewUser {
        @NotNull
        @Pattern(regexp = USERNAME, message = "3-64 lower-case letters, digits, '.', '_' or '-'")
        public String username;

        @NotNull
        @Pattern(regexp = DISPLAY_NAME, message = "letters, spaces, apostrophes, hyphens and dots, up to 120")
        public String displayName;

        @NotNull
        @Pattern(regexp = "PERSON|SERVICE", message = "PERSON or SERVICE")
        public String kind;

        @NotNull
        @Size(min = 1, max = 6)
        public Set<@NotNull @Pattern(regexp = Role.Names.PATTERN, message = "must be one of " + Role.Names.PATTERN) String> roles;
    }

    public record CreatedUserView(SecurityViews.UserView user, String temporaryPassword) {
    }

    @Inject
    StaffDirectory staff;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "List staff users")
    public List<SecurityViews.UserView> list() {
        return staff.list().stream().map(SecurityViews::of).toList();
    }

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a staff user; a person's temporary password is returned once")
    public Response create(@Valid NewUser request, @Context UriInfo uri) {
        StaffDirectory.CreatedUser created = staff.create(request.username, request.displayName,
                StaffKind.valueOf(request.kind), SecurityViews.roles(request.roles), callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(created.user().id().toString()).build())
                .entity(new CreatedUserView(SecurityViews.of(created.user()), created.temporaryPassword().orElse(null)))
                .build();
    }
}
