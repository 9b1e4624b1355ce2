package io.quaestor.accesspackages.boundary;

import io.quaestor.accesspackages.control.AccessPackages;
import io.quaestor.accesspackages.control.PackageLinks;
import io.quaestor.dsar.control.IntakeThrottle;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;

/** Where the subject collects a package: the link from the email, then a fresh code, then the file, once. */
@Path("public/packages")
@Tag(name = "Data-subject requests (public)")
@Produces(MediaType.APPLICATION_JSON)
public class PublicPackagesResource {

    static final String TOKEN = "^[A-Za-z0-9_-]{43}$";

    public static class CodeRequest {
        @NotNull
        @Pattern(regexp = TOKEN, message = "the token from the download link")
        public String token;
    }

    public static class Download {
        @NotNull
        @Pattern(regexp = TOKEN, message = "the token from the download link")
        public String token;

        @NotNull
        @Pattern(regexp = "^\\s*[0-9]{8}\\s*$", message = "the 8-digit code from the email")
        public String code;
    }

    @Inject
    PackageLinks links;

    @Inject
    AccessPackages packages;

    @Inject
    IntakeThrottle throttle;

    @POST
    @Path("code")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a fresh code for a download link to the request's email address")
    public Response sendCode(@Valid @NotNull CodeRequest body, @Context HttpServletRequest http) {
        throttle.packageLink(http.getRemoteAddr(), body.token, "code");
        links.sendCode(body.token);
        return Response.accepted().build();
    }

    @POST
    @Path("download")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({"application/zip", "application/problem+json"})
    @Operation(summary = "Download the package: the link works once, with the code just sent")
    public Response download(@Valid @NotNull Download body, @Context HttpServletRequest http) {
        throttle.packageLink(http.getRemoteAddr(), body.token, "try");
        PackageLinks.Redeemed redeemed = links.redeem(body.token, body.code);
        StreamingOutput zip = out -> {
            try (InputStream in = packages.open(redeemed.packageId())) {
                in.transferTo(out);
            }
        };
        return Response.ok(zip, "application/zip")
                .header("Content-Disposition", "attachment; filename=\"" + redeemed.reference() + ".zip\"")
                .header("Cache-Control", "no-store").build();
    }
}
