package io.quaestor.platform.openapi;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Who may call each operation, as the resource methods declare it ({@code @RolesAllowed},
 * {@code @PermitAll}, {@code @DenyAll}): the one source the authorization filter enforces and the
 * API document publishes. Keyed {@code "GET /users/{id}"}, paths relative to the API root.
 */
public final class OperationRoles {

    /** Anonymous callers are let in ({@code permitAll}), or only these roles. */
    public record Declaration(boolean permitAll, Set<String> roles) {
    }

    private static final String ROOT = "io/quaestor/";
    private static final io.quaestor.platform.logging.StructuredLog LOG = io.quaestor.platform.logging.StructuredLog.of(OperationRoles.class);

    private OperationRoles() {
    }

    public static Map<String, Declaration> scan(ClassLoader loader) {
        Map<String, Declaration> operations = new TreeMap<>();
        for (Class<?> type : resourceClasses(loader)) {
            String base = type.getAnnotation(Path.class).value();
            for (Method method : type.getDeclaredMethods()) {
                String verb = httpMethod(method);
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                operations.put(verb + " " + normalise(base + "/" + (sub == null ? "" : sub.value())), declaration(method));
            }
        }
        return operations;
    }

    /** {@code //users/{id: [0-9a-f-]+}/} → {@code /users/{id}}; the API root {@code /api} is left off. */
    public static String normalise(String path) {
        String plain = path.replaceAll("\\{\\s*([A-Za-z0-9_]+)\\s*:[^}]*}", "{$1}").replaceAll("/+", "/");
        if (plain.startsWith("/api/") || plain.equals("/api")) {
            plain = plain.substring(4);
        }
        if (!plain.startsWith("/")) {
            plain = "/" + plain;
        }
        return plain.length() > 1 && plain.endsWith("/") ? plain.substring(0, plain.length() - 1) : plain;
    }

    private static Declaration declaration(Method method) {
        if (method.isAnnotationPresent(PermitAll.class)) {
            return new Declaration(true, Set.of());
        }
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
        }
        return new Declaration(false, allowed == null || method.isAnnotationPresent(DenyAll.class) ? Set.of() : Set.of(allowed.value()));
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod verb = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (verb != null) {
                return verb.value();
            }
        }
        return null;
    }

    private static List<Class<?>> resourceClasses(ClassLoader loader) {
        List<Class<?>> classes = new ArrayList<>();
        try {
            Enumeration<URL> roots = loader.getResources(ROOT);
            while (roots.hasMoreElements()) {
                for (String name : classNames(roots.nextElement())) {
                    if (name.startsWith("io.quaestor.launcher.") || name.contains("$")) {
                        continue;
                    }
                    try {
                        Class<?> type = Class.forName(name, false, loader);
                        if (type.isAnnotationPresent(Path.class)) {
                            classes.add(type);
                        }
                    } catch (ClassNotFoundException | LinkageError e) {
                        // not loadable here: not one of ours to describe
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    private static List<String> classNames(URL root) throws IOException {
        try {
            if ("jar".equals(root.getProtocol())) {
                try (FileSystem jar = FileSystems.newFileSystem(root.toURI(), Map.of())) {
                    return walk(jar.getPath("/" + ROOT), jar.getPath("/"));
                }
            }
            java.nio.file.Path dir = java.nio.file.Path.of(root.toURI());
            return walk(dir, dir.resolve("../..").normalize());
        } catch (URISyntaxException | UnsupportedOperationException | IllegalArgumentException e) {
            // A class-path root that is neither a directory nor a jar holds none of our resources; say so, since
            // the API document would then lack the roles of whatever lives there (RoleMatrixIT would fail too).
            LOG.warn("openapi.roles.root-skipped", Map.of("protocol", root.getProtocol(), "reason", e.getClass().getSimpleName()));
            return List.of();
        }
    }

    private static List<String> walk(java.nio.file.Path dir, java.nio.file.Path classesRoot) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classesRoot.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .toList();
        }
    }
}
