package io.quaestor.referencestore.boundary;

import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.platform.problem.StateConflictException;
import io.quaestor.referencestore.control.ReferenceStoreSetup;
import io.quaestor.referencestore.generator.GenerationPlan;
import io.quaestor.referencestore.generator.GenerationReport;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.control.SecurityEvents;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/** Generates data into the reference gateway store (demo and test installations only). */
@Path("reference-store/generations")
@Tag(name = "Reference gateway store")
@Produces(MediaType.APPLICATION_JSON)
public class ReferenceStoreResource {

    /** A request body (a class, not a record: see SessionResource.SignInRequest). */
    public static class GenerationRequest {
        @NotNull
        @Min(1)
        @Max(100_000)
        public Integer organizations;

        @NotNull
        @Min(1)
        @Max(10_000_000)
        public Integer accounts;

        @NotNull
        @Min(0)
        @Max(1_000_000_000)
        public Long metadataRows;

        @NotNull
        @Min(1)
        @Max(730)
        public Integer days;

        @Min(0)
        public Integer heavyAccounts;

        public Long seed;
    }

    @Inject
    ReferenceStoreSetup store;

    @Inject
    CallerContext callers;

    @Inject
    SecurityEvents events;

    @Inject
    Clock clock;

    @POST
    @RolesAllowed(Role.Names.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fill the reference gateway store with generated data (COPY); answers with rows per table")
    public Response generate(@Valid GenerationRequest request) throws SQLException, InterruptedException {
        if (!store.isEnabled()) {
            throw new StateConflictException("This Quaestor serves a real gateway store; generation is only for the reference store.");
        }
        GenerationPlan plan;
        // Ids derive from the seed: without one, a fresh seed, so a second generation never collides with the first.
        long seed = request.seed == null ? java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE) : request.seed;
        try {
            plan = new GenerationPlan(request.organizations, request.accounts, request.metadataRows, request.days,
                    request.heavyAccounts == null ? 0 : request.heavyAccounts, seed, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage().split(" ", 2)[0], e.getMessage());
        }
        GenerationReport report;
        try {
            report = store.generator().generate(plan);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new StateConflictException("The store already holds rows generated with this seed; nothing was written. "
                        + "Give another seed, or none for a fresh one.", "seed");
            }
            throw e;
        }
        events.publish("reference-store.generated", callers.require().userId(), "reference-store", null, "success",
                Map.of("batch", report.batch(), "metadataRows", Long.toString(plan.metadataRows())));
        return Response.status(Response.Status.CREATED).entity(report).build();
    }
}
