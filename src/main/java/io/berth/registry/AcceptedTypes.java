package io.berth.registry;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The manifest media types a client takes: what its {@code Accept} header lists (every line of it, each a list;
 * parameters and q-values are ignored, as Distribution ignores them) or what ECR's BatchGetImage names in
 * {@code acceptedMediaTypes}. A client that names none, or {@code *}{@code /*}, takes any.
 */
public record AcceptedTypes(Set<String> types) {

    /** Any format: the client named none. */
    public static final AcceptedTypes ANY = new AcceptedTypes(Set.of());

    /** Schema 1's names: its own two, and the generic JSON type Docker's old clients sent. */
    private static final Set<String> SCHEMA1 = Set.of(MediaTypes.DOCKER_SCHEMA1, MediaTypes.DOCKER_SCHEMA1_SIGNED,
            "application/json");

    public AcceptedTypes {
        types = Set.copyOf(types);
    }

    /** From header values, each a comma-separated list of media ranges. */
    public static AcceptedTypes parse(Collection<String> values) {
        if (values == null) {
            return ANY;
        }
        Set<String> types = new LinkedHashSet<>();
        for (String value : values) {
            for (String range : value.split(",")) {
                int semicolon = range.indexOf(';');
                String type = (semicolon >= 0 ? range.substring(0, semicolon) : range).trim().toLowerCase(Locale.ROOT);
                if (type.equals("*/*")) {
                    return ANY;
                }
                if (!type.isEmpty()) {
                    types.add(type);
                }
            }
        }
        return new AcceptedTypes(types);
    }

    public boolean any() {
        return types.isEmpty();
    }

    public boolean accepts(String mediaType) {
        if (any() || types.contains(mediaType)) {
            return true;
        }
        // A client that takes one form of schema 1 takes the other: both are the same manifest.
        return SCHEMA1.contains(mediaType) && acceptsSchema1();
    }

    public boolean acceptsSchema1() {
        return types.stream().anyMatch(SCHEMA1::contains);
    }
}
