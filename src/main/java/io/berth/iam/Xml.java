package io.berth.iam;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A small builder for the IAM Query protocol's XML answers: elements with escaped text, in order. */
final class Xml {

    private final StringBuilder out = new StringBuilder();

    Xml open(String element) {
        out.append('<').append(element).append('>');
        return this;
    }

    Xml close(String element) {
        out.append("</").append(element).append('>');
        return this;
    }

    Xml text(String element, String value) {
        return open(element).escaped(value).close(element);
    }

    Xml time(String element, long epochMillis) {
        return text(element, Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    /** Appends already-built XML. */
    Xml raw(Xml fragment) {
        out.append(fragment.out);
        return this;
    }

    Xml escaped(String value) {
        out.append(value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;"));
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
