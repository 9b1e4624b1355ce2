package io.quaestor.breach.boundary;

import io.quaestor.breach.control.Incidents;
import io.quaestor.platform.problem.NotFoundException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import java.util.UUID;

/** Runs after authorization (so a caller without the role learns nothing): an unknown incident is 404 on every sub-resource. */
@Provider
@IncidentSubResource
@Priority(Priorities.USER)
public class IncidentExistsFilter implements ContainerRequestFilter {

    @Inject
    Incidents incidents;

    @Override
    public void filter(ContainerRequestContext request) {
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        UUID incident;
        try {
            incident = UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new NotFoundException("No incident has this id.");
        }
        if (!incidents.exists(incident)) {
            throw new NotFoundException("No incident has this id.");
        }
    }
}
