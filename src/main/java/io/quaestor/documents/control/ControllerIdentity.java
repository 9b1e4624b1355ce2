package io.quaestor.documents.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who the controller is, as letters, notices and reports name it: one configuration, read in one place. */
@ApplicationScoped
public class ControllerIdentity {

    @Inject
    @ConfigProperty(name = "quaestor.controller.name", defaultValue = "The gateway operator")
    String name;

    @Inject
    @ConfigProperty(name = "quaestor.controller.contact", defaultValue = "privacy@gateway.example")
    String contact;

    @Inject
    @ConfigProperty(name = "quaestor.controller.dpo", defaultValue = "privacy@gateway.example")
    String dpo;

    @Inject
    @ConfigProperty(name = "quaestor.controller.authority",
            defaultValue = "a supervisory authority, in particular in the EU member state where you live, work or where you think the infringement happened")
    String authority;

    public String name() {
        return name;
    }

    /** The privacy contact subjects write to. */
    public String contact() {
        return contact;
    }

    /** The data protection officer's contact, for authorities. */
    public String dpo() {
        return dpo;
    }

    /** Where a subject may complain. */
    public String authority() {
        return authority;
    }
}
