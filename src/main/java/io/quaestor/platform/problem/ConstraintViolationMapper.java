package io.quaestor.platform.problem;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Comparator;
import java.util.List;

/** Bean Validation failures on input: 422, every offending field named, first one in {@code field}. */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Override
    public Response toResponse(ConstraintViolationException exception) {
        List<Problem.FieldError> errors = exception.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        Problem problem = Problem.of(422, "validation", "Invalid input",
                        errors.size() == 1 ? "One field is invalid." : errors.size() + " fields are invalid.")
                .withErrors(errors);
        return ProblemResponses.of(problem);
    }

    /**
     * The field as the client knows it: {@code username} for a body property, the parameter name
     * for a query or path parameter, {@code body} for a missing body.
     */
    /** The member's name on the wire: its {@code @JsonbProperty} where it has one (snake_case APIs such as OpenDSR). */
    private static String wireName(ConstraintViolation<?> violation, String property) {
        for (Object bean : new Object[] {violation.getLeafBean(), violation.getRootBean()}) {
            if (bean == null) {
                continue;
            }
            try {
                JsonbProperty renamed = bean.getClass().getField(property).getAnnotation(JsonbProperty.class);
                return renamed == null ? property : renamed.value();
            } catch (NoSuchFieldException notHere) {
                // look in the other bean
            }
        }
        return property;
    }

    static String fieldName(ConstraintViolation<?> violation) {
        StringBuilder name = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
            } else if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                // Hibernate Validator puts a list element's index on the node after the list: events[3].occurredAt
                if (node.isInIterable() && node.getIndex() != null) {
                    name.append('[').append(node.getIndex()).append(']');
                }
                boolean named = node.getName() != null && !node.getName().startsWith("<");
                if (named) {
                    if (!name.isEmpty()) {
                        name.append('.');
                    }
                    name.append(wireName(violation, node.getName()));
                }
            }
        }
        if (!name.isEmpty()) {
            return name.toString();
        }
        return parameter == null ? "body" : parameter;
    }
}
