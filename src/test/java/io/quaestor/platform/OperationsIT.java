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
        assertEquals(Set.of("quaestor-database", "gateway-database"), checks);
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
        assertEquals("classpath:policy-templates/datamap/reference-gateway.datamap.json", json.getString("source"));
        assertEquals("accounts", json.getJsonObject("map").getJsonObject("subject").getString("table"));
        Api.Reply reloaded = api.post("api/datamap/reload", "", admin);
        assertEquals(200, reloaded.status(), reloaded.body());
        assertEquals(json.getJsonObject("map").getString("version"), reloaded.json().getJsonObject("map").getString("version"));
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
