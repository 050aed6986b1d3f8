package com.trulience.platform.boundary;

import jakarta.faces.event.PhaseEvent;
import jakarta.faces.event.PhaseId;
import jakarta.faces.event.PhaseListener;

/**
 * Leaves the Faces phase a request is in as a request attribute, so that {@link ErrorServlet} can tell a post whose
 * view state names no stored view (the restore phase fails) from a fault, with the standard API only: the phase is
 * not cleared after it ends, an error in it reaches the error page with the mark still set.
 */
public class FacesPhaseMarker implements PhaseListener {

    static final String ATTRIBUTE = FacesPhaseMarker.class.getName();

    @Override
    public void beforePhase(PhaseEvent event) {
        event.getFacesContext().getExternalContext().getRequestMap().put(ATTRIBUTE, event.getPhaseId());
    }

    @Override
    public void afterPhase(PhaseEvent event) {
        // kept on purpose: see the class comment
    }

    @Override
    public PhaseId getPhaseId() {
        return PhaseId.ANY_PHASE;
    }

    /** Whether the request's Faces lifecycle was restoring its view when it stopped. */
    static boolean restoringView(jakarta.servlet.http.HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) == PhaseId.RESTORE_VIEW;
    }
}
