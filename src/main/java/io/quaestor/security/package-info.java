/**
 * Who may do what. Staff sign in with a password (PBKDF2) into a browser session guarded against
 * CSRF, or call with a bearer API token (256 random bits, stored only as a SHA-256 hash). Every
 * JAX-RS method declares its roles; a method that declares none is refused (deny by default).
 * Roles: PRIVACY_OFFICER, AUDITOR, INCIDENT_RESPONDER, OPERATOR, ADMIN and the service role GATEWAY.
 */
package io.quaestor.security;
