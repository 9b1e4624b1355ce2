package io.quaestor.dsar.boundary;

import io.quaestor.security.control.StaffDirectory;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The privacy officers a request can be assigned to, by name. The staff list itself stays an
 * administrator's; officers see only who their colleagues are.
 */
@Path("dsar/officers")
@Tag(name = "Data-subject requests")
@Produces(MediaType.APPLICATION_JSON)
public class OfficersResource {

    public record Officer(UUID id, String username, String displayName) {
    }

    @Inject
    StaffDirectory staff;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The active privacy officers, to assign requests to and to name who acted")
    public List<Officer> officers() {
        return staff.list().stream()
                .filter(user -> user.active() && user.roles().contains(Role.PRIVACY_OFFICER))
                .map(user -> new Officer(user.id(), user.username(), user.displayName()))
                .sorted(Comparator.comparing(Officer::username))
                .toList();
    }
}
