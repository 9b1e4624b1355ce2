package io.quaestor.platform.boundary;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What is running: public, holds nothing sensitive, and is the benchmark's trivial read. */
@Path("system")
@Tag(name = "System")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {

    public record SystemInfo(String service, String apiVersion) {
    }

    private static final SystemInfo INFO = new SystemInfo("quaestor", "1");

    @GET
    @Path("info")
    @PermitAll
    @Operation(summary = "Service name and API version")
    public SystemInfo info() {
        return INFO;
    }
}
