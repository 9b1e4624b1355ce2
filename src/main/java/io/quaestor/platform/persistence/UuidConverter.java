package io.quaestor.platform.persistence;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.UUID;

/**
 * For nullable {@code uuid} columns: EclipseLink 4.0's own UUID mapping fails on SQL NULL. The
 * value is written as text and PostgreSQL casts it ({@code stringtype=unspecified} on the
 * datasource). Identifiers ({@code @Id}) are never converted by JPA and never null, so they keep
 * the built-in mapping.
 */
@Converter(autoApply = true)
public class UuidConverter implements AttributeConverter<UUID, Object> {

    @Override
    public Object convertToDatabaseColumn(UUID value) {
        return value == null ? null : value.toString();
    }

    @Override
    public UUID convertToEntityAttribute(Object value) {
        // The driver reads uuid columns as UUID already; text is accepted for other stores.
        if (value == null || value instanceof UUID) {
            return (UUID) value;
        }
        return UUID.fromString(value.toString());
    }
}
