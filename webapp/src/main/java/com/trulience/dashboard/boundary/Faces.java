package com.trulience.dashboard.boundary;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.servlet.http.HttpServletResponse;

/** What the page beans ask of the JSF request they serve. */
final class Faces {

    private Faces() {
    }

    /** A page parameter naming an id; null when it is missing or not a number. */
    static Long id(String parameter) {
        try {
            return parameter == null ? null : Long.valueOf(parameter.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** What the page's parameter names does not exist: the page says so, with status 404. */
    static void notFound() {
        FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(HttpServletResponse.SC_NOT_FOUND);
    }

    static String caller() {
        return FacesContext.getCurrentInstance().getExternalContext().getRemoteUser();
    }

    static void message(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }
}
