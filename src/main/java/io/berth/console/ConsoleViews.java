package io.berth.console;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.WebApplicationTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * The console's pages: Thymeleaf templates under {@code WEB-INF/console/}, rendered on the server. Thymeleaf escapes
 * every value it writes ({@code th:text}, attributes); the templates never write one unescaped.
 */
final class ConsoleViews {

    private final JakartaServletWebApplication application;
    private final TemplateEngine engine = new TemplateEngine();

    ConsoleViews(ServletContext context) {
        application = JakartaServletWebApplication.buildApplication(context);
        WebApplicationTemplateResolver templates = new WebApplicationTemplateResolver(application);
        templates.setPrefix("/WEB-INF/console/");
        templates.setSuffix(".html");
        templates.setTemplateMode(TemplateMode.HTML);
        templates.setCharacterEncoding("UTF-8");
        templates.setCacheable(true);
        engine.setTemplateResolver(templates);
    }

    /** Renders {@code view} with {@code model} as the response, with {@code status}. */
    void render(HttpServletRequest request, HttpServletResponse response, int status, String view,
                Map<String, Object> model) throws IOException {
        WebContext context = new WebContext(application.buildExchange(request, response), Locale.ENGLISH, model);
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        engine.process(view, context, response.getWriter());
    }
}
