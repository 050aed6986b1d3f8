package com.trulience.dashboard.boundary;

import com.trulience.dashboard.control.FleetView;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The fleet page's whole fleet as one JSON document of the newest version (shape in FleetJson), the same bytes for
 * every viewer. Under /admin/ so that web.xml lets in signed-in admins and viewers with their dashboard session.
 */
@WebServlet("/admin/fleet.json")
public class FleetDocument extends HttpServlet {

    @Inject
    FleetView view;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var document = view.document();
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Vary", "Accept-Encoding");
        String accepted = request.getHeader("Accept-Encoding");
        byte[] body = document.json();
        if (accepted != null && accepted.contains("gzip")) {
            response.setHeader("Content-Encoding", "gzip");
            body = document.gzipped();
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
