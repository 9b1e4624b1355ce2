package io.quaestor.platform.openapi;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Puts on every operation of the API document who may call it, from the same declarations the
 * server enforces: a security requirement (a browser session or a bearer token) and the roles,
 * both in the description and as {@code x-roles}; anonymous operations say so with an empty
 * requirement and {@code x-anonymous: true}.
 */
public class SecurityRequirementsFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Map<String, OperationRoles.Declaration> declared = OperationRoles.scan(SecurityRequirementsFilter.class.getClassLoader());
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (item.getOperations() == null) {
                return;
            }
            item.getOperations().forEach((method, operation) -> {
                OperationRoles.Declaration declaration = declared.get(method.name() + " " + OperationRoles.normalise(path));
                if (declaration != null) {
                    describe(operation, declaration);
                }
            });
        });
    }

    private static void describe(Operation operation, OperationRoles.Declaration declaration) {
        String existing = operation.getDescription() == null ? "" : "\n\n" + operation.getDescription();
        if (declaration.permitAll()) {
            operation.setSecurity(List.of(OASFactory.createSecurityRequirement()));
            operation.setDescription("Anonymous: no authentication." + existing);
            operation.addExtension("x-anonymous", true);
            return;
        }
        TreeSet<String> roles = new TreeSet<>(declaration.roles());
        SecurityRequirement session = OASFactory.createSecurityRequirement().addScheme("session");
        SecurityRequirement bearer = OASFactory.createSecurityRequirement().addScheme("bearer");
        operation.setSecurity(List.of(session, bearer));
        operation.setDescription("Roles: " + (roles.isEmpty() ? "none (denied to everyone)" : String.join(", ", roles))
                + ". Authenticate with a browser session (unsafe methods also send X-CSRF-Token) or a bearer token." + existing);
        operation.addExtension("x-roles", List.copyOf(roles));
    }
}
