package com.trulience.platform.boundary;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * "/" sends the browser to the dashboard. A redirect, not a welcome-file forward: a forward would reach
 * the page without passing the security constraints on its own URL.
 */
@WebServlet("")
public class RootRedirect extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getContextPath() + "/admin/fleet.xhtml");
    }
}
