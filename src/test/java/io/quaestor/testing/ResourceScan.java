package io.quaestor.testing;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every JAX-RS resource method in the build's classes, found by scanning target/classes. */
public final class ResourceScan {

    private ResourceScan() {
    }

    public static List<Method> resourceMethods() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = java.nio.file.Path.of("target", "classes");
        List<Method> methods = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.startsWith("io.quaestor.launcher")) {
                    continue;
                }
                Class<?> type = Class.forName(name, false, ResourceScan.class.getClassLoader());
                if (!type.isAnnotationPresent(Path.class)) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    if (isResourceMethod(method)) {
                        methods.add(method);
                    }
                }
            }
        }
        return methods;
    }

    private static boolean isResourceMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            if (annotation.annotationType().isAnnotationPresent(HttpMethod.class)) {
                return true;
            }
        }
        return method.isAnnotationPresent(Path.class);
    }
}
