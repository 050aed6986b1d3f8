package com.trulience.dashboard.boundary;

import com.trulience.platform.control.Refused;
import com.trulience.security.control.UserAccounts;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;

/**
 * An admin's list of users, with forms to add one and to set a user's password or role, checked and logged by
 * {@link UserAccounts} exactly as the users API is. Admin-only in web.xml, and a protected view. Passwords live in
 * this bean only until the request that uses them ends.
 */
@Named
@ViewScoped
public class UsersPage implements Serializable {

    @Inject
    UserAccounts accounts;

    /** What the page shows of a user: never the entity, so no password hash is kept in the session's view state. */
    public record Row(String username, String role) {
    }

    private List<Row> users = List.of();
    private String newUsername;
    private transient String newPassword;
    private String newRole = "viewer";
    private String selected;
    private transient String password;
    private String role;

    public void load() {
        users = accounts.all().stream().map(user -> new Row(user.username(), user.role().groupName())).toList();
    }

    public void add() {
        String username = newUsername;
        if (attempt(() -> accounts.add(username, newPassword, newRole, Faces.caller()))) {
            Faces.message(FacesMessage.SEVERITY_INFO, "Added " + newRole + " '" + username + "'.");
            newUsername = null;
            newRole = "viewer";
        }
        newPassword = null;
        load();
    }

    public void setPasswordOfSelected() {
        String username = selected;
        if (attempt(() -> accounts.changePassword(username, password, Faces.caller()))) {
            Faces.message(FacesMessage.SEVERITY_INFO, "Set the password of '" + username + "': their other sessions end.");
        }
        password = null;
    }

    public void setRoleOfSelected() {
        String username = selected;
        if (attempt(() -> accounts.changeRole(username, role, Faces.caller()))) {
            Faces.message(FacesMessage.SEVERITY_INFO, "'" + username + "' is now " + role + ".");
        }
        load();
    }

    private static boolean attempt(Runnable change) {
        try {
            change.run();
            return true;
        } catch (Refused refused) {
            Faces.message(FacesMessage.SEVERITY_ERROR, refused.getMessage());
            return false;
        }
    }

    public List<Row> getUsers() {
        return users;
    }

    public List<String> getUsernames() {
        return users.stream().map(Row::username).toList();
    }

    public String getNewUsername() {
        return newUsername;
    }

    public void setNewUsername(String newUsername) {
        this.newUsername = newUsername;
    }

    public String getNewPassword() {
        return null;
    }

    public void setNewPassword(String newPassword) {
        this.newPassword = newPassword;
    }

    public String getNewRole() {
        return newRole;
    }

    public void setNewRole(String newRole) {
        this.newRole = newRole;
    }

    public String getSelected() {
        return selected;
    }

    public void setSelected(String selected) {
        this.selected = selected;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }
}
