package com.trulience.security.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

@Entity
@Table(name = "users")
@NamedQuery(name = User.BY_USERNAME, query = "SELECT u FROM User u WHERE u.username = :username")
@NamedQuery(name = User.ALL, query = "SELECT u FROM User u ORDER BY u.username")
@NamedQuery(name = User.COUNT_BY_ROLE, query = "SELECT COUNT(u) FROM User u WHERE u.role = :role")
public class User {

    public static final String BY_USERNAME = "User.byUsername";
    public static final String COUNT_BY_ROLE = "User.countByRole";
    public static final String ALL = "User.all";
    /** What the database allows (V1). */
    public static final String NAME_PATTERN = "[A-Za-z0-9._@-]{1,64}";
    /**
     * The reserved initiator of the backend's own actions (db/V17, auto_free_memory): it cannot sign in, and no user
     * of that name, in any case, can be created or changed.
     */
    public static final String SYSTEM = "system";

    public static boolean isSystem(String username) {
        return SYSTEM.equalsIgnoreCase(username);
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String username;

    @Column(name = "password_hash")
    private String passwordHash;

    private Role role;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected User() {
    }

    public User(String username, String passwordHash, Role role) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.role = role;
    }

    public Long id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Role role() {
        return role;
    }

    public OffsetDateTime updatedAt() {
        return updatedAt;
    }

    public void changePassword(String newHash) {
        passwordHash = newHash;
    }

    public void changeRole(Role newRole) {
        role = newRole;
    }
}
