package io.quaestor.notifications.control;

import io.quaestor.security.control.SecurityEvent;
import io.quaestor.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Every change of a staff member's roles is told to the other administrators, in the changing
 * transaction: a second pair of eyes on who can now see or approve what.
 */
@ApplicationScoped
public class RoleChangeNotices {

    static final String ROLES_CHANGED = "user.roles-changed";

    @Inject
    StaffNotifications notifications;

    void onSecurityEvent(@Observes SecurityEvent event) {
        if (!ROLES_CHANGED.equals(event.action())) {
            return;
        }
        String message = "Roles of staff user " + event.targetId() + " changed from " + event.details().get("before")
                + " to " + event.details().get("after") + " by " + event.actorId() + ".";
        notifications.notifyRoleExcept(Role.Names.ADMIN, event.actorId(), "user.roles-changed", event.targetId(), message);
    }
}
