package io.quaestor.platform.boundary;

import io.quaestor.security.entity.Role;
import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;

/** Quaestor's API lives under {@code /api}; Health, Metrics and OpenAPI stay at their MicroProfile paths. */
@ApplicationPath("/api")
@DeclareRoles({Role.Names.PRIVACY_OFFICER, Role.Names.AUDITOR, Role.Names.INCIDENT_RESPONDER,
        Role.Names.OPERATOR, Role.Names.ADMIN, Role.Names.GATEWAY})
@OpenAPIDefinition(info = @Info(
        title = "Quaestor API",
        version = "1",
        description = "Compliance back-office beside an AI API gateway. Every error is an RFC 9457 "
                + "application/problem+json document; see docs/api.md for the problem types."))
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
                description = "API token created by an administrator (shown once)."),
        @SecurityScheme(securitySchemeName = "session", type = SecuritySchemeType.APIKEY,
                in = SecuritySchemeIn.COOKIE, apiKeyName = "quaestor_session",
                description = "Browser session from POST /api/session; unsafe methods also need X-CSRF-Token.")})
public class QuaestorApplication extends Application {

    /** No generated WADL: the OpenAPI document at /openapi is the one description of the API. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
