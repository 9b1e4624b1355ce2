package io.quaestor.dsar.boundary;

import io.quaestor.dsar.control.DsarMetrics;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The privacy office's figures over a period (default: the last 90 days). */
@Path("dsar/metrics")
@Tag(name = "Data-subject requests")
@Produces(MediaType.APPLICATION_JSON)
public class DsarMetricsResource {

    @Inject
    DsarMetrics metrics;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "Open requests by state and type, due within 7 days, overdue, time to close per type, extension rate")
    public DsarMetrics.Snapshot get(@QueryParam("from") String from, @QueryParam("to") String to) {
        Instant end = to == null ? clock.instant() : Params.instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(90)) : Params.instant("from", from);
        if (!start.isBefore(end)) {
            throw new InvalidInputException("from", "from must be before to.");
        }
        return metrics.snapshot(start, end);
    }
}
