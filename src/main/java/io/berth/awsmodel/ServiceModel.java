package io.berth.awsmodel;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * An AWS service model as AWS publishes it for its SDKs (botocore's {@code service-2.json}: operations and shapes,
 * with their constraints), read from the WAR's {@code aws-models/}: what every request of an AWS API is checked
 * against before a handler sees it, as AWS checks requests itself. The copies in the project have the documentation
 * stripped; nothing else is changed.
 */
public final class ServiceModel {

    private final String name;
    private final Map<String, JsonObject> shapes = new HashMap<>();
    private final Map<String, String> inputShapes = new HashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    private ServiceModel(String name, JsonObject model) {
        this.name = name;
        model.getJsonObject("shapes").forEach((shape, definition) -> shapes.put(shape, definition.asJsonObject()));
        model.getJsonObject("operations").forEach((operation, definition) -> {
            JsonObject input = definition.asJsonObject().getJsonObject("input");
            inputShapes.put(operation, input == null ? null : input.getString("shape"));
        });
    }

    /** Loads {@code aws-models/<file>} from the class path; {@code extensions}, if given, adds operations. */
    public static ServiceModel load(String file, String extensions) {
        JsonObject model = read(file);
        if (extensions != null) {
            JsonObject more = read(extensions);
            model = JSON.createObjectBuilder(model)
                    .add("operations", JSON.createObjectBuilder(model.getJsonObject("operations"))
                            .addAll(JSON.createObjectBuilder(more.getJsonObject("operations"))))
                    .add("shapes", JSON.createObjectBuilder(model.getJsonObject("shapes"))
                            .addAll(JSON.createObjectBuilder(more.getJsonObject("shapes"))))
                    .build();
        }
        return new ServiceModel(file, model);
    }

    private static JsonObject read(String file) {
        try (InputStream in = ServiceModel.class.getClassLoader().getResourceAsStream("aws-models/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no service model aws-models/" + file + " on the class path");
            }
            try (JsonReader reader = JSON.createReader(in)) {
                return reader.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean hasOperation(String operation) {
        return inputShapes.containsKey(operation);
    }

    /** The input shape of an operation; empty for an unknown operation or one without input. */
    public Optional<String> inputShape(String operation) {
        return Optional.ofNullable(inputShapes.get(operation));
    }

    JsonObject shape(String shape) {
        JsonObject definition = shapes.get(shape);
        if (definition == null) {
            throw new IllegalStateException(name + " has no shape " + shape);
        }
        return definition;
    }

    /** Patterns are compiled once; AWS matches them against the whole value. */
    Pattern pattern(String regex) {
        return patterns.computeIfAbsent(regex, Pattern::compile);
    }

    @Override
    public String toString() {
        return name;
    }
}
