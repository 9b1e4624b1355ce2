package io.quaestor.accesspackages.boundary;

import io.quaestor.accesspackages.control.AccessPackages;
import io.quaestor.accesspackages.control.PackageLinks;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * A request's package (by the request's id) as the privacy office sees it: its state, size, digest, expiry and whether
 * it was downloaded; never its content, which only the subject opens.
 */
@Path("dsar/packages/{id}")
@Tag(name = "Data-subject requests")
@Produces(MediaType.APPLICATION_JSON)
public class RequestPackageResource {

    @Inject
    AccessPackages packages;

    @Inject
    PackageLinks links;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The request's access or portability package: state, files, rows, size, SHA-256, expiry, downloads")
    public AccessPackages.PackageInfo get(@PathParam("id") UUID id) {
        return packages.require(id);
    }

    @POST
    @Path("links")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Email the subject a new single-use download link")
    public Response resend(@PathParam("id") UUID id) {
        links.resend(id, callers.require());
        return Response.accepted().build();
    }
}
