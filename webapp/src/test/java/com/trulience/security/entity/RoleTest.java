package com.trulience.security.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RoleTest {

    private final Role.ColumnConverter converter = new Role.ColumnConverter();

    @Test
    void storesTheLowerCaseNamesTheTableChecks() {
        assertEquals("admin", converter.convertToDatabaseColumn(Role.ADMIN));
        assertEquals("viewer", converter.convertToDatabaseColumn(Role.VIEWER));
        assertEquals("admin", Role.ADMIN.groupName());
    }

    @Test
    void readsThemBack() {
        assertEquals(Role.VIEWER, converter.convertToEntityAttribute("viewer"));
    }

    @Test
    void refusesAnUnknownRoleInsteadOfGuessing() {
        assertThrows(IllegalStateException.class, () -> converter.convertToEntityAttribute("root"));
    }
}
