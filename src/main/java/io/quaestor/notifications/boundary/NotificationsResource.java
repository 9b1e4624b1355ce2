package io.quaestor.notifications.boundary;

import io.quaestor.notifications.control.StaffNotifications;
import io.quaestor.platform.http.Params;
import io.quaestor.security.control.CallerContext;
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

import java.util.List;

/** The caller's own notifications: reminders, escalations, assignments. */
@Path("me/notifications")
@Tag(name = "Notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

    @Inject
    StaffNotifications notifications;

    @Inject
    CallerContext callers;

    @GET
    @RolesAllowed({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR, Role.Names.INCIDENT_RESPONDER, Role.Names.OPERATOR,
            Role.Names.ADMIN})
    @Operation(summary = "The caller's newest notifications")
    public List<StaffNotifications.Notification> list(@QueryParam("limit") String limit) {
        return notifications.of(callers.require().userId(), (int) Params.number("limit", limit, 50, 1, 500));
    }
}
