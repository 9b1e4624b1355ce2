package io.quaestor.accesspackages.boundary;

import io.quaestor.accesspackages.control.AccessPackages;
import io.quaestor.accesspackages.control.PackageLinks;
import io.quaestor.accesspackages.control.PackageReview;
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
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.util.UUID;

/**
 * A request's package (by the request's id) as the privacy office sees it: its state, size, digest, expiry and whether
 * it was downloaded; and, for review before release, its files, each opening an audited read.
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
    PackageReview review;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The request's access or portability package: state, files, rows, size, SHA-256, expiry, downloads")
    public AccessPackages.PackageInfo get(@PathParam("id") UUID id) {
        return packages.require(id);
    }

    @POST
    @Path("prepare")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Build the package of a request in progress so an officer can review it before completing sends the link")
    public AccessPackages.PackageInfo prepare(@PathParam("id") UUID id) {
        return review.prepare(id, callers.require());
    }

    @GET
    @Path("files/{file: .+}")
    @Produces({"application/pdf", "text/csv", "application/json", "application/x-ndjson", MediaType.APPLICATION_OCTET_STREAM})
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Operation(summary = "Open one file of the package (letter.pdf, manifest.json, a table) for review; recorded in the audit trail as a read")
    public Response file(@PathParam("id") UUID id, @PathParam("file") String file) {
        PackageReview.PackageFile opened = review.open(id, file, callers.require());
        StreamingOutput body = out -> {
            try (InputStream in = opened.content()) {
                in.transferTo(out);
            }
        };
        String name = file.substring(file.lastIndexOf('/') + 1);
        return Response.ok(body, opened.mediaType())
                .header("Content-Disposition", "inline; filename=\"" + name + "\"")
                .header("Cache-Control", "no-store").build();
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
