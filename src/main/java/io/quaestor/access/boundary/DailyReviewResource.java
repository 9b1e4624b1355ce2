package io.quaestor.access.boundary;

import io.quaestor.access.control.DailyReview;
import io.quaestor.audit.control.Origins;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The daily review of operator access, for auditors and privacy officers. */
@Path("access/daily-review")
@Tag(name = "Operator access")
@Produces(MediaType.APPLICATION_JSON)
public class DailyReviewResource {

    @Inject
    DailyReview review;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @GET
    @RolesAllowed({Role.Names.AUDITOR, Role.Names.PRIVACY_OFFICER})
    @Operation(summary = "Flags for one UTC day (default today): invalid references, unreviewed break-glass, "
            + "out-of-scope attempts, volume spikes, audit-trail reads")
    public DailyReview.Review get(@QueryParam("day") String day, @Context HttpServletRequest http) {
        LocalDate wanted = day == null ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : Params.date("day", day);
        return review.of(wanted, callers.require(), Origins.truncate(http.getRemoteAddr()));
    }
}
