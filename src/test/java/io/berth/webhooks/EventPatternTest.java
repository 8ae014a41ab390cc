package io.berth.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.registry.RegistryEvent;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventPatternTest {

    private static final String DIGEST = "sha256:" + "b".repeat(64);

    private static JsonObject push(String tag) {
        return EventBridge.of(7, new RegistryEvent.TagMoved("000000000000/team/app", tag, null, DIGEST, "admin",
                1_800_000_000_000L), "us-east-1").orElseThrow();
    }

    @Test
    void aTagPushIsEcrsImageActionWithTheTag() {
        JsonObject event = push("v1");
        assertEquals("aws.ecr", event.getString("source"));
        assertEquals("ECR Image Action", event.getString("detail-type"));
        assertEquals("000000000000", event.getString("account"));
        assertEquals("2027-01-15T08:00:00Z", event.getString("time"));
        assertEquals("arn:aws:ecr:us-east-1:000000000000:repository/team/app",
                event.getJsonArray("resources").getString(0));
        JsonObject detail = event.getJsonObject("detail");
        assertEquals("PUSH", detail.getString("action-type"));
        assertEquals("SUCCESS", detail.getString("result"));
        assertEquals("team/app", detail.getString("repository-name"));
        assertEquals(DIGEST, detail.getString("image-digest"));
        assertEquals("v1", detail.getString("image-tag"));
        assertEquals(event.getString("id"), push("v1").getString("id"), "the same id on every delivery");
    }

    @Test
    void aPushByTagIsAnnouncedByItsTagsOnlyAndOtherEventsAreBerths() {
        assertTrue(EventBridge.of(1, new RegistryEvent.ImagePushed("000000000000/a", DIGEST, "t", 1, 1,
                List.of("v1"), "admin", 1), "us-east-1").isEmpty());
        JsonObject untagged = EventBridge.of(1, new RegistryEvent.ImagePushed("000000000000/a", DIGEST, "t", 1, 1,
                List.of(), "admin", 1), "us-east-1").orElseThrow();
        assertFalse(untagged.getJsonObject("detail").containsKey("image-tag"));
        JsonObject created = EventBridge.of(2, new RegistryEvent.RepositoryCreated("000000000000/a", "admin", 1),
                "us-east-1").orElseThrow();
        assertEquals("berth", created.getString("source"));
        assertEquals("RepositoryCreated", created.getString("detail-type"));
        assertEquals("000000000000/a", created.getJsonObject("detail").getString("repository"));
    }

    @Test
    void patternsMatchAsEventBridgeDoes() {
        JsonObject event = push("release-1.2");
        assertTrue(EventPattern.parse("{\"source\":[\"aws.ecr\"]}").matches(event));
        assertTrue(EventPattern.parse("{\"source\":[\"aws.ecr\"],\"detail-type\":[\"ECR Image Action\"],"
                + "\"detail\":{\"action-type\":[\"PUSH\",\"DELETE\"],\"image-tag\":[{\"prefix\":\"release-\"}]}}")
                .matches(event));
        assertTrue(EventPattern.parse("{\"resources\":[\"arn:aws:ecr:us-east-1:000000000000:repository/team/app\"]}")
                .matches(event), "an array field matches when one of its values does");
        assertFalse(EventPattern.parse("{\"detail\":{\"action-type\":[\"DELETE\"]}}").matches(event));
        assertFalse(EventPattern.parse("{\"detail\":{\"image-tag\":[{\"prefix\":\"v\"}]}}").matches(event));
        assertFalse(EventPattern.parse("{\"detail\":{\"missing\":[\"x\"]}}").matches(event));
    }

    @Test
    void patternsThatDoNotParseAreRefusedSayingWhy() {
        for (String bad : List.of("", "[]", "{}", "{\"source\":\"aws.ecr\"}", "{\"source\":[]}",
                "{\"detail\":{}}", "{\"source\":[{\"suffix\":\"x\"}]}", "{\"source\":[[\"x\"]]}", "not json")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventPattern.parse(bad),
                    bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void theSignatureIsHmacSha256OfTheBody() {
        // RFC 4231 test case 2
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                WebhookSender.sign("Jefe", "what do ya want for nothing?".getBytes()));
    }
}
