package io.quaestor.security.control;

import io.quaestor.security.entity.Role;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * On the first start (no staff user at all) creates the initial administrator. Its one-time
 * password is written once straight to the process's standard output, bypassing the logging
 * system, so that it never lands in a log file; the administrator must replace it at first
 * sign-in. Automation may instead supply {@code quaestor.bootstrap.admin-password}, which is then
 * never printed. With several instances starting at once, the unique username lets one win.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrations")
@TransactionManagement(TransactionManagementType.BEAN)
public class InitialAdministrator {

    @Inject
    StaffDirectory staff;

    @Inject
    @ConfigProperty(name = "quaestor.bootstrap.admin-username", defaultValue = "admin")
    String username;

    @Inject
    @ConfigProperty(name = "quaestor.bootstrap.admin-password")
    Optional<String> configuredPassword;

    @PostConstruct
    void createIfNone() {
        if (staff.count() > 0) {
            return;
        }
        String password = configuredPassword.orElseGet(Secrets::temporaryPassword);
        try {
            staff.createWithTemporaryPassword(username, "Initial administrator", Set.of(Role.ADMIN), password);
        } catch (RuntimeException anotherInstanceWon) {
            if (staff.count() > 0) {
                return;
            }
            throw anotherInstanceWon;
        }
        if (configuredPassword.isEmpty()) {
            printToConsole(password);
        }
    }

    private void printToConsole(String password) {
        @SuppressWarnings("resource") // standard output stays open for the process's life
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        console.println();
        console.println("================================================================");
        console.println(" Quaestor created its first administrator.");
        console.println("   username: " + username);
        console.println("   one-time password: " + password);
        console.println(" It is shown only now. Sign in with POST /api/session and replace it");
        console.println(" with PUT /api/me/password; nothing else is allowed until you do.");
        console.println("================================================================");
        console.println();
    }
}
