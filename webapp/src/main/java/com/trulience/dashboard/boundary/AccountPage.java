package com.trulience.dashboard.boundary;

import com.trulience.platform.control.Refused;
import com.trulience.security.control.UserAccounts;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Any signed-in user changes their own password here, proving it with the current one (as the account API does). */
@Named
@RequestScoped
public class AccountPage {

    @Inject
    UserAccounts accounts;

    private String currentPassword;
    private String newPassword;

    public void change() {
        try {
            accounts.changeOwnPassword(Faces.caller(), currentPassword, newPassword);
            Faces.message(FacesMessage.SEVERITY_INFO, "Your password is changed; your other sessions end.");
        } catch (Refused refused) {
            Faces.message(FacesMessage.SEVERITY_ERROR, refused.getMessage());
        }
    }

    public String getCurrentPassword() {
        return null;
    }

    public void setCurrentPassword(String currentPassword) {
        this.currentPassword = currentPassword;
    }

    public String getNewPassword() {
        return null;
    }

    public void setNewPassword(String newPassword) {
        this.newPassword = newPassword;
    }
}
