package com.trulience.security.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;

/** A user's role; its database and security-group name is the lower-case {@link #groupName()}. */
public enum Role {
    ADMIN, VIEWER;

    public String groupName() {
        return name().toLowerCase();
    }

    @Converter(autoApply = true)
    public static class ColumnConverter implements AttributeConverter<Role, String> {

        @Override
        public String convertToDatabaseColumn(Role role) {
            return role == null ? null : role.groupName();
        }

        @Override
        public Role convertToEntityAttribute(String column) {
            return column == null ? null : Arrays.stream(values())
                    .filter(role -> role.groupName().equals(column))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("unknown role in users.role: " + column));
        }
    }
}
