package io.berth.webhooks;

import static io.berth.platform.Jsonp.JSON;

import io.berth.events.DomainEvent;
import io.berth.registry.RegistryEvent;
import io.berth.registry.RepositoryName;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.StringReader;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Domain events as EventBridge events. Pushes and deletions of images are ECR's own {@code ECR Image Action}
 * ({@code source} {@code aws.ecr}, {@code detail} with {@code action-type} PUSH or DELETE, {@code result},
 * {@code repository-name}, {@code image-digest}, {@code image-tag}), one per tag as ECR sends them; every other
 * domain event is {@code source} {@code berth} with its name as {@code detail-type} and its fields as
 * {@code detail}.
 */
final class EventBridge {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private EventBridge() {
    }

    /**
     * The EventBridge event for a delivered domain event, with an id that stays the same on every delivery; none for
     * a push that its tags announce (each TagMoved is ECR's PUSH with that tag) or an event of no account.
     */
    static Optional<JsonObject> of(long sequence, DomainEvent event, String region) {
        String account = event.accountId();
        if (account == null) {
            return Optional.empty();
        }
        JsonObjectBuilder detail;
        String source = "aws.ecr";
        String detailType = "ECR Image Action";
        RepositoryName name = event instanceof RegistryEvent r ? RepositoryName.parse(r.repository()) : null;
        String repository = name == null ? null : name.name();
        if (event instanceof RegistryEvent.ImagePushed pushed) {
            if (!pushed.tags().isEmpty()) {
                return Optional.empty(); // its TagMoved events say PUSH with each tag
            }
            detail = imageAction("PUSH", repository, pushed.digest(), null);
        } else if (event instanceof RegistryEvent.TagMoved moved) {
            detail = imageAction("PUSH", repository, moved.newDigest(), moved.tag());
        } else if (event instanceof RegistryEvent.TagDeleted deleted) {
            detail = imageAction("DELETE", repository, deleted.digest(), deleted.tag());
        } else if (event instanceof RegistryEvent.ImageDeleted deleted) {
            detail = imageAction("DELETE", repository, deleted.digest(), deleted.tags().isEmpty() ? null
                    : deleted.tags().get(0));
        } else {
            source = "berth";
            detailType = event.getClass().getSimpleName();
            try (JsonReader reader = JSON.createReader(new StringReader(JSONB.toJson(event)))) {
                detail = JSON.createObjectBuilder(reader.readObject());
            }
        }
        JsonObjectBuilder bridge = JSON.createObjectBuilder()
                .add("version", "0")
                .add("id", UUID.nameUUIDFromBytes(("berth-event-" + sequence).getBytes()).toString())
                .add("detail-type", detailType)
                .add("source", source)
                .add("account", account)
                .add("time", Instant.ofEpochMilli(event.at()).truncatedTo(ChronoUnit.SECONDS).toString())
                .add("region", region);
        if (name != null) {
            bridge.add("resources", JSON.createArrayBuilder().add(name.arn(region)));
        } else {
            bridge.add("resources", JSON.createArrayBuilder());
        }
        return Optional.of(bridge.add("detail", detail).build());
    }

    private static JsonObjectBuilder imageAction(String action, String repository, String digest, String tag) {
        JsonObjectBuilder detail = JSON.createObjectBuilder().add("result", "SUCCESS")
                .add("repository-name", repository).add("image-digest", digest).add("action-type", action);
        if (tag != null) {
            detail.add("image-tag", tag);
        }
        return detail;
    }
}
