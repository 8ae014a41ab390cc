package io.berth.console;

import java.io.IOException;

/** One part of the console: the pages and forms under some paths (repositories, identity, the audit trail, …). */
interface ConsoleArea {

    /** Whether this area answers the path under {@code /console}. */
    boolean serves(String path);

    /** Shows a page. */
    void get(ConsolePage page) throws IOException;

    /** Takes a form (its CSRF token and origin already checked); an area without forms answers not found. */
    default void post(ConsolePage page) throws IOException {
        page.notFound();
    }
}
