package io.quaestor.dsar.control;

import io.quaestor.dsar.entity.DataSubjectRequest;
import io.quaestor.dsar.entity.RequestEvent;
import io.quaestor.dsar.entity.RequestStatus;
import io.quaestor.dsar.entity.RequestType;
import io.quaestor.security.control.Caller;
import io.quaestor.security.entity.Role;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a caller may do to a request now, and for each thing they may not, the rule that forbids
 * it, in the words of the refusal the action itself would give. The console shows every action
 * as a button and disables it with this reason; the action's endpoint enforces the same rules.
 */
public final class RequestActions {

    /** One action: its name as the API takes it, whether it is allowed, and if not why. */
    public record Option(String action, boolean allowed, String reason) {
    }

    private RequestActions() {
    }

    /** @param completionBlocker what a fulfilment still waits for before completing (see DataSubjectRequests) */
    public static List<Option> of(DataSubjectRequest request, List<RequestEvent> history, Caller caller, Instant now,
                                  Optional<String> completionBlocker) {
        List<Option> options = new ArrayList<>();
        Optional<String> notOfficer = caller.roles().contains(Role.PRIVACY_OFFICER) ? Optional.empty()
                : Optional.of("Only a privacy officer can change a request; you can read it.");
        for (RequestLifecycle.Action action : List.of(RequestLifecycle.Action.START, RequestLifecycle.Action.REQUEST_APPROVAL,
                RequestLifecycle.Action.APPROVE, RequestLifecycle.Action.COMPLETE, RequestLifecycle.Action.REJECT,
                RequestLifecycle.Action.CANCEL)) {
            Optional<String> refusal = notOfficer.or(() -> action.refusalFrom(request.getStatus()));
            if (refusal.isEmpty() && action == RequestLifecycle.Action.APPROVE
                    && caller.userId().toString().equals(DataSubjectRequests.approvalAsker(history))) {
                refusal = Optional.of(DataSubjectRequests.SELF_APPROVAL);
            }
            if (refusal.isEmpty() && action == RequestLifecycle.Action.COMPLETE) {
                refusal = completionBlocker;
            }
            options.add(option(action.slug(), refusal));
        }
        options.add(option("extend", notOfficer.or(() -> extensionRefusal(request, now))));
        options.add(option("assign", notOfficer.or(() -> request.getStatus().isFinal()
                ? Optional.of(closed(request) + "it can no longer be assigned.") : Optional.empty())));
        options.add(option("rectify", notOfficer.or(() -> rectificationRefusal(request))));
        options.add(option("note", notOfficer));
        return options;
    }

    private static Optional<String> extensionRefusal(DataSubjectRequest request, Instant now) {
        if (request.getStatus().isFinal()) {
            return Optional.of(closed(request) + "it can no longer be extended.");
        }
        if (request.getExtendedDueAt() != null) {
            return Optional.of("This request was already extended once; the law allows one extension.");
        }
        if (!now.isBefore(request.getDueAt())) {
            return Optional.of("The first deadline has passed; an extension had to be sent before it.");
        }
        return Optional.empty();
    }

    private static Optional<String> rectificationRefusal(DataSubjectRequest request) {
        if (request.getType() != RequestType.RECTIFICATION) {
            return Optional.of("Only a rectification request changes the subject's data.");
        }
        return request.getStatus() == RequestStatus.IN_PROGRESS ? Optional.empty()
                : Optional.of("Only a rectification request in progress can change the subject's data.");
    }

    private static String closed(DataSubjectRequest request) {
        return "The request is " + request.getStatus().name().toLowerCase() + ", which is final; ";
    }

    private static Option option(String action, Optional<String> refusal) {
        return new Option(action, refusal.isEmpty(), refusal.orElse(null));
    }
}
