package com.trulience.platform.boundary;

import jakarta.faces.FacesException;
import jakarta.faces.application.ProtectedViewException;
import jakarta.faces.application.ViewExpiredException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Target of web.xml's error pages: errors raised by the container itself (403, 404, ...) as problem documents. */
@WebServlet("/error")
public class ErrorServlet extends HttpServlet {

    private static final String FORGED_FORM = "the form's view state is missing, expired or not this page's "
            + "(a form posted from another site, or left open too long): reload the page";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_NOT_FOUND;
        String detail = null;
        // Faces' CSRF guard refuses a post without this session's view state by throwing; that is a refusal, not a fault.
        if (refusedForm((Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION), FacesPhaseMarker.restoringView(request))) {
            status = HttpServletResponse.SC_FORBIDDEN;
            detail = FORGED_FORM;
        }
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        var problem = Problem.of(status, detail, uri == null ? request.getRequestURI() : uri.toString());
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(problem.toJson().toString());
    }

    /** Also a view state that names no stored view ("stateless" for a stateful page): the restore phase fails. */
    private static boolean refusedForm(Throwable error, boolean restoringView) {
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProtectedViewException || cause instanceof ViewExpiredException
                    || cause instanceof FacesException && restoringView) {
                return true;
            }
        }
        return false;
    }
}
