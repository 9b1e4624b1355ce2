package io.quaestor.dsar.boundary;

import io.quaestor.platform.http.MultiLine;
import io.quaestor.audit.control.AuditLog;
import io.quaestor.audit.control.Origins;
import io.quaestor.audit.entity.AuditEvent;
import io.quaestor.dsar.control.DataSubjectRequests;
import io.quaestor.dsar.control.RequestAttachments;
import io.quaestor.dsar.control.RequestLifecycle;
import io.quaestor.dsar.control.RequestSearch;
import io.quaestor.dsar.control.RequestCorrespondence;
import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RejectionGround;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.dsar.entity.SubjectRegion;
import io.quaestor.platform.http.Params;
import io.quaestor.platform.http.RequestIds;
import io.quaestor.platform.problem.InvalidInputException;
import io.quaestor.security.control.Caller;
import io.quaestor.security.control.CallerContext;
import io.quaestor.security.entity.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The privacy office's work on data-subject requests. Reading one request is itself audited: it holds personal data. */
@Path("dsar/requests")
@Tag(name = "Data-subject requests")
@Produces(MediaType.APPLICATION_JSON)
public class RequestsResource {

    static final String TEXT = "^[^\\p{Cntrl}]{1,2000}$";

    public static class OfficerFiling {
        @NotNull
        @Pattern(regexp = PublicRequestsResource.TYPES, message = "must be one of " + PublicRequestsResource.TYPES)
        public String type;

        @Size(max = 320)
        public String email;

        @Size(max = 100)
        public String accountId;

        @NotNull
        @Pattern(regexp = PublicRequestsResource.REGIONS, message = "must be one of " + PublicRequestsResource.REGIONS)
        public String region;

        @Size(max = 2000)
        @MultiLine
        public String details;

        /** When the request reached us (by mail, phone); the legal clock starts then. ISO-8601 instant. */
        @NotNull
        public String receivedAt;

        @Pattern(regexp = PublicRequestsResource.SCOPE, message = "what the consent covered: up to 200 printable characters")
        public String consentScope;

        /** The identity evidence the officer checked; without it, a code is sent to the email. */
        @Pattern(regexp = TEXT, message = "up to 2000 printable characters")
        public String evidence;
    }

    public static class Step {
        @NotNull
        @Pattern(regexp = "start|request-approval|approve|complete|reject|cancel",
                message = "must be start, request-approval, approve, complete, reject or cancel")
        public String action;

        @Pattern(regexp = TEXT, message = "up to 2000 printable characters")
        public String reason;

        @Pattern(regexp = "IDENTITY_NOT_VERIFIED|MANIFESTLY_UNFOUNDED_OR_EXCESSIVE|THIRD_PARTY_RIGHTS|LEGAL_RETENTION_DUTY|OTHER",
                message = "must be IDENTITY_NOT_VERIFIED, MANIFESTLY_UNFOUNDED_OR_EXCESSIVE, THIRD_PARTY_RIGHTS, LEGAL_RETENTION_DUTY or OTHER")
        public String ground;

        @Pattern(regexp = TEXT, message = "up to 2000 printable characters")
        public String groundText;
    }

    public static class Extension {
        /** The new last day (YYYY-MM-DD, UTC). */
        @NotNull
        public String until;

        /** Sent to the subject. */
        @NotNull
        @Pattern(regexp = TEXT, message = "the reason the subject will read, up to 2000 printable characters")
        public String reason;
    }

    public static class Rectification {
        /** A column of the subject's own record, as the data map names it (for example "name", "phone"). */
        @NotNull
        @Pattern(regexp = "^[a-z_][a-z0-9_]{0,62}$", message = "a column name from the data map")
        public String column;

        @NotNull
        @Size(min = 1, max = 1000)
        public String value;
    }

    public static class Assignment {
        @NotNull
        public UUID assigneeId;
    }

    public static class NewNote {
        @NotNull
        @Size(min = 1, max = 10000)
        @MultiLine
        public String body;
    }

    @Inject
    DataSubjectRequests requests;

    @Inject
    RequestSearch search;

    @Inject
    RequestCorrespondence correspondence;

    @Inject
    RequestAttachments attachments;

    @Inject
    AuditLog audit;

    @Inject
    CallerContext callers;

    @Inject
    Clock clock;

    @Inject
    io.quaestor.datamap.control.DataMaps maps;

    @POST
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "File a request received by mail or phone, from its received-at time")
    public Response file(@Valid @NotNull OfficerFiling body, @Context UriInfo uri) {
        if (body.email == null && body.accountId == null) {
            throw new InvalidInputException("email", "Give the subject's email address or account id.");
        }
        String email = body.email == null ? null : PublicRequestsResource.email(body.email);
        if (body.accountId != null) {
            PublicRequestsResource.accountId(body.accountId, maps.active().map());
        }
        PublicRequestsResource.requireScope(RequestType.valueOf(body.type), body.consentScope);
        DataSubjectRequest request = requests.fileByOfficer(new DataSubjectRequests.OfficerIntake(RequestType.valueOf(body.type),
                email, body.accountId, SubjectRegion.valueOf(body.region), body.details, body.consentScope,
                Params.instant("receivedAt", body.receivedAt), body.evidence), callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(request.getId().toString()).build())
                .entity(view(request.getId())).build();
    }

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "List requests, newest first or (sort=due) nearest deadline first: by status, type, assignee, open or closed, due before, email or reference")
    public RequestSearch.Page list(@QueryParam("status") String status, @QueryParam("type") String type,
                                   @QueryParam("assigneeId") String assignee, @QueryParam("open") String open,
                                   @QueryParam("dueBefore") String dueBefore, @QueryParam("email") String email,
                                   @QueryParam("reference") String reference, @QueryParam("sort") String sort,
                                   @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        return search.search(filter(status, type, assignee, open, dueBefore, email, reference, sort, cursor,
                (int) Params.number("limit", limit, 50, 1, 200)));
    }

    @GET
    @Path("export")
    @Produces("text/csv")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "Every request the same filters select, as CSV (no email addresses); the export is in the audit trail")
    public Response export(@QueryParam("status") String status, @QueryParam("type") String type,
                           @QueryParam("assigneeId") String assignee, @QueryParam("open") String open,
                           @QueryParam("dueBefore") String dueBefore, @QueryParam("email") String email,
                           @QueryParam("reference") String reference, @QueryParam("sort") String sort,
                           @Context HttpServletRequest http) {
        RequestSearch.Filter first = filter(status, type, assignee, open, dueBefore, email, reference, sort, null, 200);
        auditRead("dsar.queue-export", "dsar-request-list", UUID.randomUUID(), Map.of(), http);
        StreamingOutput body = out -> {
            java.io.Writer writer = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
            writer.write("reference,type,status,regime,channel,received_at,due_at,assignee_id,extended,verified,closed_at\r\n");
            RequestSearch.Filter page = first;
            while (page != null) {
                RequestSearch.Page found = search.search(page);
                for (RequestSearch.Row row : found.requests()) {
                    writer.write(String.join(",", row.reference(), row.type().name(), row.status().name(), row.regime(),
                            row.channel(), row.receivedAt().toString(), row.dueAt().toString(),
                            row.assigneeId() == null ? "" : row.assigneeId().toString(), String.valueOf(row.extended()),
                            String.valueOf(row.verified()), row.closedAt() == null ? "" : row.closedAt().toString()));
                    writer.write("\r\n");
                }
                page = found.nextCursor() == null ? null : withCursor(page, found.nextCursor());
            }
            writer.flush();
        };
        return Response.ok(body, "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"requests.csv\"").build();
    }

    private RequestSearch.Filter filter(String status, String type, String assignee, String open, String dueBefore,
                                        String email, String reference, String sort, String cursor, int limit) {
        if (open != null && !open.equals("true") && !open.equals("false")) {
            throw new InvalidInputException("open", "open must be true or false.");
        }
        RequestSearch.Filter filter = new RequestSearch.Filter(enumOf(RequestStatus.class, "status", status),
                enumOf(RequestType.class, "type", type), Params.uuid("assigneeId", assignee),
                open == null ? null : Boolean.valueOf(open), Params.instant("dueBefore", dueBefore),
                email == null ? null : requests.emailKey(PublicRequestsResource.email(email)), reference,
                enumOf(RequestSearch.Order.class, "sort", sort), null, null, limit);
        return cursor == null ? filter : withCursor(filter, cursor);
    }

    private static RequestSearch.Filter withCursor(RequestSearch.Filter f, String cursor) {
        String[] parts = cursor.split("_", 2);
        if (parts.length != 2) {
            throw new InvalidInputException("cursor", "cursor must be a nextCursor from a previous page.");
        }
        return new RequestSearch.Filter(f.status(), f.type(), f.assignee(), f.open(), f.dueBefore(), f.emailKey(),
                f.reference(), f.order(), Params.instant("cursor", parts[0]), Params.uuid("cursor", parts[1]), f.limit());
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "One request with its history and notes (an audited read)")
    public RequestView get(@PathParam("id") UUID id, @Context HttpServletRequest http) {
        RequestView view = view(id);
        auditRead("dsar.request-read", "dsar-request", id, Map.of("reference", view.reference()), http);
        return view;
    }

    @POST
    @Path("{id}/actions")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Move a request on: start, request-approval, approve, complete, reject (with a ground) or cancel")
    public RequestView act(@PathParam("id") UUID id, @Valid @NotNull Step step) {
        RequestLifecycle.Action action = RequestLifecycle.Action.valueOf(step.action.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (action == RequestLifecycle.Action.COMPLETE) {
            requests.complete(id, step.reason, callers.require());
        } else if (action == RequestLifecycle.Action.START) {
            requests.start(id, step.reason, callers.require());
        } else {
            requests.act(id, action, step.reason, step.ground == null ? null : RejectionGround.valueOf(step.ground), step.groundText,
                    callers.require());
        }
        return view(id);
    }

    @POST
    @Path("{id}/extension")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Extend the deadline once, before it passes, with a reason sent to the subject")
    public RequestView extend(@PathParam("id") UUID id, @Valid @NotNull Extension body) {
        requests.extend(id, Params.date("until", body.until), body.reason, callers.require());
        return view(id);
    }

    @POST
    @Path("{id}/rectifications")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply an approved correction to one field of the subject's record in the gateway (old and new values kept only as pseudonyms)")
    public RequestView rectify(@PathParam("id") UUID id, @Valid @NotNull Rectification body) {
        requests.rectify(id, body.column, body.value, callers.require());
        return view(id);
    }

    @POST
    @Path("{id}/attachments")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes({"application/pdf", "image/png", "image/jpeg", "text/plain"})
    @Operation(summary = "Attach a file (PDF, PNG, JPEG or text; the body is the file, ?filename= names it)")
    public Response attach(@PathParam("id") UUID id, @QueryParam("filename") String filename,
                           @Context HttpHeaders headers, byte[] body, @Context UriInfo uri) {
        String type = headers.getMediaType() == null ? null
                : headers.getMediaType().getType() + "/" + headers.getMediaType().getSubtype();
        RequestAttachments.Attachment attached = attachments.attach(id, filename, type, body, callers.require());
        return Response.created(uri.getAbsolutePathBuilder().path(attached.id().toString()).replaceQuery(null).build())
                .entity(attached).build();
    }

    @GET
    @Path("{id}/attachments")
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR})
    @Operation(summary = "The request's attachments (metadata)")
    public java.util.List<RequestAttachments.Attachment> attachments(@PathParam("id") UUID id) {
        requests.get(id);
        return attachments.of(id);
    }

    @GET
    @Path("{id}/attachments/{attachmentId}")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Produces({"application/pdf", "image/png", "image/jpeg", "text/plain", MediaType.APPLICATION_JSON})
    @Operation(summary = "One attachment's content (an audited read)")
    public Response attachment(@PathParam("id") UUID id, @PathParam("attachmentId") UUID attachmentId,
                               @Context HttpServletRequest http) {
        RequestAttachments.Content content = attachments.content(id, attachmentId);
        auditRead("dsar.attachment-read", "dsar-attachment", attachmentId, Map.of("request", id.toString()), http);
        return Response.ok(content.bytes(), content.attachment().contentType())
                .header("Content-Disposition", "attachment; filename=\"" + content.attachment().filename().replace("\"", "") + "\"")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    @PUT
    @Path("{id}/assignee")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Assign the request to a privacy officer")
    public RequestView assign(@PathParam("id") UUID id, @Valid @NotNull Assignment body) {
        requests.assign(id, body.assigneeId, callers.require());
        return view(id);
    }

    @POST
    @Path("{id}/notes")
    @RolesAllowed(Role.Names.PRIVACY_OFFICER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add an internal note")
    public Response note(@PathParam("id") UUID id, @Valid @NotNull NewNote body) {
        requests.addNote(id, body.body, callers.require());
        return Response.status(Response.Status.CREATED).entity(view(id)).build();
    }

    /** Reading a request or its files shows personal data: each read is an audit event. */
    private void auditRead(String action, String resourceType, UUID resourceId, Map<String, String> details, HttpServletRequest http) {
        Caller caller = callers.require();
        audit.append(new AuditEvent(UUID.randomUUID(), clock.instant(), caller.userId().toString(), caller.roleList(),
                caller.method().name(), false, action, resourceType, resourceId.toString(), null, null, null, null, null,
                "success", Origins.truncate(http.getRemoteAddr()), RequestIds.current().orElse(null), details));
    }

    private RequestView view(UUID id) {
        DataSubjectRequest request = requests.get(id);
        return RequestView.of(request, requests.history(id), requests.notes(id), correspondence, callers.require(), clock.instant(),
                request.getStatus() == RequestStatus.IN_PROGRESS ? requests.completionBlocker(request) : java.util.Optional.empty());
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name, String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(name, name + " is not one of the known values.");
        }
    }
}
