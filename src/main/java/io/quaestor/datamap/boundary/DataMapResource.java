package io.quaestor.datamap.boundary;

import io.quaestor.datamap.control.DataMaps;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The active data map: what Quaestor believes about where personal data lives. */
@Path("datamap")
@Tag(name = "Data map")
@Produces(MediaType.APPLICATION_JSON)
public class DataMapResource {

    @Inject
    DataMaps maps;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.ADMIN, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The active data map, its version, source and activation time")
    public DataMaps.Active active() {
        return maps.active();
    }

    @POST
    @Path("reload")
    @RolesAllowed(Role.Names.ADMIN)
    @Operation(summary = "Read and validate the map file again; on any problem (422) the current map stays active")
    public DataMaps.Active reload() {
        return maps.reload(callers.require());
    }
}
