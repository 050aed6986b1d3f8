package com.trulience.security.boundary;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

@Named
@RequestScoped
public class LoginPage {

    static final String LANDING_PAGE = "/admin/fleet.xhtml";

    @Inject
    SecurityContext securityContext;

    @Inject
    FacesContext faces;

    private String username;
    private String password;

    public void login() throws IOException {
        var external = faces.getExternalContext();
        var status = securityContext.authenticate(
                (HttpServletRequest) external.getRequest(),
                (HttpServletResponse) external.getResponse(),
                AuthenticationParameters.withParams()
                        .credential(new UsernamePasswordCredential(username, new Password(password)))
                        .newAuthentication(true));
        switch (status) {
            case SUCCESS -> external.redirect(external.getRequestContextPath() + LANDING_PAGE);
            case SEND_CONTINUE -> faces.responseComplete();
            default -> refused((HttpServletRequest) external.getRequest(), (HttpServletResponse) external.getResponse());
        }
    }

    private void refused(HttpServletRequest request, HttpServletResponse response) {
        if (request.getAttribute(AuthenticationMechanism.THROTTLED_ATTRIBUTE) instanceof Long seconds) {
            response.setStatus(429);
            response.setHeader("Retry-After", seconds.toString());
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR,
                    "Too many failed sign-ins; try again in " + seconds + " s.", null));
        } else {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, "Wrong username or password.", null));
        }
    }

    public void logout() throws IOException, ServletException {
        var external = faces.getExternalContext();
        ((HttpServletRequest) external.getRequest()).logout();
        external.invalidateSession();
        external.redirect(external.getRequestContextPath() + AuthenticationMechanism.LOGIN_PAGE);
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }
}
