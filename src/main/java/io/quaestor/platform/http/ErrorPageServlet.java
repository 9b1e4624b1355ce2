package io.quaestor.platform.http;

import io.quaestor.platform.problem.Problem;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The error page for everything the servlet container answers itself, before JAX-RS runs: a
 * malformed or traversing path, a method the container refuses, an unmapped path. The answer is a
 * problem document like every other error, never the container's HTML page with its name and
 * version. Mapped for every status in {@code web.xml}.
 */
@WebServlet(name = "problem-errors", urlPatterns = "/__error")
public class ErrorPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 404;
        Problem problem = Problem.forStatus(status, null);
        String requestId = response.getHeader(RequestIds.HEADER);
        if (requestId != null) {
            problem = problem.withRequestId(requestId);
        }
        response.setStatus(status);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(problem.toJson());
    }
}
