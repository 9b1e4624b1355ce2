package io.quaestor.platform.problem;

import io.quaestor.platform.http.RequestIds;
import jakarta.ws.rs.core.Response;

/** Builds the HTTP response for a problem, stamped with the current request id. */
public final class ProblemResponses {

    private ProblemResponses() {
    }

    public static Response of(Problem problem) {
        return RequestIds.current().map(problem::withRequestId).orElse(problem).toResponse().build();
    }
}
