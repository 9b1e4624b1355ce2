package io.quaestor.platform.openapi;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;

/**
 * The API document with its proper media type: the runtime serves the YAML form as
 * {@code text/plain}; clients and tools expect {@code application/yaml} (the JSON form, asked for
 * with {@code Accept: application/json}, already says {@code application/json}).
 */
@WebFilter(urlPatterns = {"/openapi", "/openapi/*"})
public class OpenApiMediaTypeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String YAML = "application/yaml;charset=UTF-8";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void setContentType(String type) {
                super.setContentType(type != null && type.startsWith("text/plain") ? YAML : type);
            }

            @Override
            public void setHeader(String name, String value) {
                super.setHeader(name, "Content-Type".equalsIgnoreCase(name) && value != null && value.startsWith("text/plain") ? YAML : value);
            }

            @Override
            public void addHeader(String name, String value) {
                super.addHeader(name, "Content-Type".equalsIgnoreCase(name) && value != null && value.startsWith("text/plain") ? YAML : value);
            }
        });
    }
}
