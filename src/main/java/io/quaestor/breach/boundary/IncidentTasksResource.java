package io.quaestor.breach.boundary;

import io.quaestor.platform.http.MultiLine;
import io.quaestor.breach.control.Escalations;
import io.quaestor.breach.control.IncidentTasks;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** An incident's tasks, its post-incident review, and the log of every reminder and escalation its clocks sent. */
@IncidentSubResource
@Path("incidents/{id}/response")
@Tag(name = "Breach notification")
@Produces(MediaType.APPLICATION_JSON)
public class IncidentTasksResource {

    public static class NewTask {
        @NotBlank
        @Size(min = 3, max = 300)
        public String title;

        /** Defaults to the incident's owner. */
        public UUID ownerId;

        @NotNull
        public String dueAt;
    }

    public static class Closure {
        @NotNull
        @Pattern(regexp = "DONE|CANCELLED", message = "must be DONE or CANCELLED")
        public String status;

        @NotBlank
        @Size(min = 3, max = 2000)
        @MultiLine
        public String outcome;
    }

    public static class NewReview {
        @NotBlank
        @Size(min = 3, max = 10_000)
        @MultiLine
        public String rootCause;

        @Size(max = 10_000)
        @MultiLine
        public String whatWorked;

        @NotBlank
        @Size(min = 3, max = 10_000)
        @MultiLine
        public String prevention;

        @Size(max = 50)
        public List<@Valid @NotNull NewTask> followUps;
    }

    @Inject
    IncidentTasks tasks;

    @Inject
    Escalations escalations;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @POST
    @Path("tasks")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a task with an owner and a due time (reminded a day before, escalated when overdue)")
    public Response add(@PathParam("id") UUID id, @Valid @NotNull NewTask body) {
        return Response.status(201).entity(tasks.add(id, task(body, "dueAt"), callers.require())).build();
    }

    @GET
    @Path("tasks")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The incident's tasks, response and follow-up")
    public List<IncidentTasks.Task> list(@PathParam("id") UUID id) {
        return tasks.of(id);
    }

    @POST
    @Path("tasks/{taskId}/closure")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Close a task as done or cancelled, with its outcome")
    public IncidentTasks.Task close(@PathParam("id") UUID id, @PathParam("taskId") UUID taskId, @Valid @NotNull Closure body) {
        return tasks.close(id, taskId, body.status, body.outcome, callers.require());
    }

    @PUT
    @Path("review")
    @RolesAllowed(Role.Names.INCIDENT_RESPONDER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record the post-incident review: root cause, what worked, prevention; follow-ups become tasks")
    public IncidentTasks.Review review(@PathParam("id") UUID id, @Valid @NotNull NewReview body) {
        List<IncidentTasks.NewTask> followUps = new ArrayList<>();
        if (body.followUps != null) {
            for (int i = 0; i < body.followUps.size(); i++) {
                followUps.add(task(body.followUps.get(i), "followUps[" + i + "].dueAt"));
            }
        }
        return tasks.review(id, body.rootCause, body.whatWorked, body.prevention, followUps, callers.require());
    }

    @GET
    @Path("review")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The post-incident review (404 until recorded)")
    public IncidentTasks.Review review(@PathParam("id") UUID id) {
        return tasks.review(id).orElseThrow(() -> new io.quaestor.platform.problem.NotFoundException("No review is recorded yet."));
    }

    @GET
    @Path("escalations")
    @RolesAllowed({Role.Names.INCIDENT_RESPONDER, Role.Names.AUDITOR})
    @Operation(summary = "Every reminder and escalation the incident's clocks sent, by email or webhook, with each delivery attempt")
    public List<Escalations.Delivery> escalations(@PathParam("id") UUID id) {
        return escalations.of(id);
    }

    private IncidentTasks.NewTask task(NewTask body, String dueField) {
        return new IncidentTasks.NewTask(body.title, body.ownerId, Params.planned(dueField, body.dueAt, clock.instant(),
                Duration.ofDays(365), Duration.ofDays(10 * 365)));
    }
}
