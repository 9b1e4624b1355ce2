package io.quaestor.platform;

import io.quaestor.testing.Api;
import io.quaestor.testing.Deployments;
import io.quaestor.testing.StaffFixtures;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Method;
import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health, metrics and the OpenAPI document, at their MicroProfile paths beside the API. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    @ArquillianResource
    URL deployment;

    Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.builtWar();
    }

    @BeforeEach
    void client() {
        api = new Api(deployment);
    }

    @Test
    void readinessChecksBothDatabasesAndTheSchema() {
        Api.Reply ready = api.get("health/ready", Api.ANONYMOUS);
        assertEquals(200, ready.status(), ready.body());
        JsonObject json = ready.json();
        assertEquals("UP", json.getString("status"));
        Set<String> checks = new TreeSet<>();
        json.getJsonArray("checks").forEach(c -> checks.add(c.asJsonObject().getString("name")));
        assertEquals(Set.of("quaestor-database", "gateway-database", "audit-sealing", "retention", "documents"), checks);
        JsonObject documents = json.getJsonArray("checks").stream().map(c -> c.asJsonObject())
                .filter(c -> c.getString("name").equals("documents")).findFirst().orElseThrow();
        assertEquals("UP", documents.getString("status"), "a broken promise is for people to fix, not a reason to stop serving");
        assertEquals("not yet", documents.getJsonObject("data").getString("checked"), "the first check runs one period after start");
    }

    @Test
    void livenessIsUp() {
        Api.Reply live = api.get("health/live", Api.ANONYMOUS);
        assertEquals(200, live.status(), live.body());
        assertEquals("UP", live.json().getString("status"));
    }

    @Test
    void metricsAreServedInPrometheusFormat() {
        Api.Reply metrics = api.send(api.request("metrics").setHeader("Accept", "text/plain").GET());
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("# TYPE"), "Prometheus exposition format");
    }

    @Test
    void theOpenApiDocumentDescribesEveryResourceMethod() throws Exception {
        Api.Reply openapi = api.send(api.request("openapi").setHeader("Accept", "application/json").GET());
        assertEquals(200, openapi.status());
        JsonObject paths = openapi.json().getJsonObject("paths");
        List<Method> methods = io.quaestor.testing.ResourceScan.resourceMethods();
        for (Method method : methods) {
            String path = "/api/" + pathOf(method);
            assertTrue(paths.containsKey(path), "OpenAPI lacks " + path + " (" + method.getName() + ")");
        }
        assertTrue(openapi.json().getJsonObject("components").getJsonObject("securitySchemes").containsKey("bearer"));
    }

    @Test
    void theActiveDataMapIsServedAndAReloadKeepsItValid() {
        Api.Session admin = StaffFixtures.admin(api);
        Api.Reply active = api.get("api/datamap", admin);
        assertEquals(200, active.status(), active.body());
        JsonObject json = active.json();
        assertTrue(json.getString("source").endsWith("it.datamap.json"), "the test server reads a copy of the reference map: " + json.getString("source"));
        JsonObject firstKind = json.getJsonObject("map").getJsonArray("subjects").getJsonObject(0);
        assertEquals("accounts", firstKind.getString("table"));
        assertEquals("user", firstKind.getString("name"), "a map's single subject is the kind 'user'");
        Api.Reply reloaded = api.post("api/datamap/reload", "", admin);
        assertEquals(200, reloaded.status(), reloaded.body());
        assertEquals(json.getJsonObject("map").getString("version"), reloaded.json().getJsonObject("map").getString("version"));
    }

    @Test
    void theAuditTrailIsSealedWithinSecondsAndExportedAsSignedFiles() throws Exception {
        StaffFixtures.admin(api);
        long events = count("SELECT count(*) FROM audit_event");
        assertTrue(events > 0, "signing in left audit events");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        while (count("SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint") < events && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertTrue(count("SELECT coalesce(max(tree_size), 0) FROM audit_checkpoint") >= events, "sealed within seconds");
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("quaestor.it.checkpoints"));
        java.nio.file.Path latest;
        try (var files = java.nio.file.Files.list(dir)) {
            latest = files.max(java.util.Comparator.naturalOrder()).orElseThrow();
        }
        String text = java.nio.file.Files.readString(latest);
        String statement = text.substring(0, text.indexOf("signature="));
        byte[] signature = java.util.Base64.getDecoder().decode(text.substring(text.indexOf("signature=") + 10).trim());
        java.security.Signature ed25519 = java.security.Signature.getInstance("Ed25519");
        ed25519.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(
                java.util.Base64.getDecoder().decode("MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI="))));
        ed25519.update(statement.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(ed25519.verify(signature), "the exported checkpoint verifies with nothing but the public key");

        Api.Reply verification = api.get("api/audit/verification", StaffFixtures.admin(api));
        assertEquals(200, verification.status(), verification.body());
        assertTrue(verification.json().getBoolean("intact"), verification.body());
        assertTrue(count("SELECT count(*) FROM audit_event WHERE action = 'audit.verified'") > 0, "the verification is itself audited");

        Api.Session auditorless = StaffFixtures.admin(api);
        Api.Reply inclusion = api.get("api/audit/proofs/inclusion?seq=0", auditorless);
        assertEquals(200, inclusion.status(), inclusion.body());
        JsonObject proof = inclusion.json();
        String checkpoint = proof.getJsonObject("checkpoint").getString("statement");
        long size = Long.parseLong(checkpoint.split("\n")[1].substring("tree_size=".length()));
        byte[] root = java.util.HexFormat.of().parseHex(checkpoint.split("\n")[2].substring("root=".length()));
        java.util.List<byte[]> path = proof.getJsonArray("path").getValuesAs(jakarta.json.JsonString::getString).stream()
                .map(java.util.HexFormat.of()::parseHex).toList();
        assertTrue(io.quaestor.audit.control.MerkleTree.verifyInclusion(0, size,
                java.util.HexFormat.of().parseHex(proof.getString("leafHash")), path, root), "the proof checks out against the signed root");
        assertEquals(422, api.get("api/audit/proofs/inclusion?seq=abc", auditorless).status());
        // pinned to the proof's checkpoint: the sealer may sign a larger tree at any moment
        assertEquals(422, api.get("api/audit/proofs/inclusion?seq=" + size + "&treeSize=" + size, auditorless).status(),
                "beyond the checkpoint");
        Api.Reply consistency = api.get("api/audit/proofs/consistency?from=" + size + "&to=" + size, auditorless);
        assertEquals(200, consistency.status(), consistency.body());
        assertEquals(422, api.get("api/audit/proofs/consistency?from=3&to=2", auditorless).status());

        java.nio.file.Path bundle = java.nio.file.Path.of("target", "it-bundle.zip");
        java.nio.file.Files.deleteIfExists(bundle); // BodyHandlers.ofFile writes over, without truncating
        java.net.http.HttpResponse<java.nio.file.Path> download = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(auditorless.apply(api.request("api/audit/bundle").setHeader("Accept", "application/zip").GET(), false).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofFile(bundle));
        assertEquals(200, download.statusCode());
        java.nio.file.Path key = java.nio.file.Path.of("target", "it-audit-public-key.txt");
        java.nio.file.Files.writeString(key, "MCowBQYDK2VwAyEAVqJvXur9rM51apLlS+n4ZiXP/q478PXu0gT8TX2aFNI=");
        Process verifier = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "audit/VerifyBundle.java", bundle.toString(), key.toString()).redirectErrorStream(true).start();
        String output = new String(verifier.getInputStream().readAllBytes());
        assertEquals(0, verifier.waitFor(), output);
        assertTrue(output.startsWith("INTACT"), output);
    }

    private static long count(String sql) throws Exception {
        io.quaestor.testing.Sql.auditSettled();
        try (java.sql.Connection c = io.quaestor.testing.TestDatabase.superuser("quaestor");
             java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void everyResponseCarriesARequestId() {
        Api.Reply reply = api.get("api/system/info", Api.ANONYMOUS);
        assertEquals(200, reply.status());
        assertTrue(reply.header("X-Request-Id").orElse("").length() >= 8);
        assertEquals("nosniff", reply.header("X-Content-Type-Options").orElse(""));
    }

    private static String pathOf(Method method) {
        String type = method.getDeclaringClass().getAnnotation(jakarta.ws.rs.Path.class).value();
        jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
        String path = sub == null ? type : type + "/" + sub.value();
        return path.replaceAll("^/+", "").replaceAll("/+", "/");
    }
}
