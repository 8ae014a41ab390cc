package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every input the AWS service models rule out, generated from the models ({@link ModelCases}) and sent to every
 * operation Berth implements: each is refused with the protocol's own 4xx error naming the member, never a 5xx, and
 * nothing stored changes.
 */
@ExtendWith(ArquillianExtension.class)
class ApiModelIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String BASE = ADMIN.base;
    private static final String ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.";
    private static final Pattern IAM_CODE = Pattern.compile("<Code>([^<]*)</Code>");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    private static HttpResponse<String> ecr(String operation, JsonObject input) {
        return AwsApis.sendSigned(BASE, AwsApis.adminKey(BASE), "ecr", Map.of(
                "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", ECR_TARGET + operation),
                input.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String type(HttpResponse<String> response) {
        try {
            return RegistryHttp.json(response.body()).getString("__type", "");
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    /** What the model check says: "N validation error(s) detected: …" or "Value at '…' must be …". */
    private static boolean fromTheModel(String message) {
        return message.matches("\\d+ validation errors? detected: .*") || message.startsWith("Value at '");
    }

    private static TreeSet<String> repositories() {
        TreeSet<String> names = new TreeSet<>();
        String next = "/v2/_catalog?n=1000";
        while (next != null) {
            HttpResponse<String> page = ADMIN.get(next);
            RegistryHttp.json(page.body()).getJsonArray("repositories").getValuesAs(JsonString.class)
                    .forEach(name -> names.add(name.getString()));
            String link = page.headers().firstValue("Link").orElse(null);
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        }
        return names;
    }

    @Test
    void everyEcrOperationRefusesWhatItsModelRulesOut() {
        ModelCases model = new ModelCases("ecr-2015-09-21.json");
        List<String> supported = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String operation : model.operations()) {
            HttpResponse<String> valid = ecr(operation, model.minimal(operation));
            if (type(valid).equals("UnknownOperationException")) {
                continue;
            }
            supported.add(operation);
            String message = valid.statusCode() == 200 ? "" : RegistryHttp.json(valid.body()).getString("message");
            if (valid.statusCode() >= 500 || fromTheModel(message)) {
                failures.add(operation + " minimal input: " + valid.statusCode() + " " + valid.body());
            }
        }
        TreeSet<String> before = repositories();
        long started = System.nanoTime();
        int cases = 0;
        for (String operation : supported) {
            for (ModelCases.Case broken : model.broken(operation)) {
                cases++;
                HttpResponse<String> response = ecr(operation, broken.input());
                String expected = broken.how().equals("wrong type") ? "SerializationException"
                        : "InvalidParameterException";
                String body = response.body();
                if (response.statusCode() != 400 || !type(response).equals(expected)
                        || !body.contains("'" + broken.path() + "'")) {
                    failures.add(broken + ": " + response.statusCode() + " " + body.substring(0,
                            Math.min(300, body.length())));
                }
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("ECR: %d operations, %d broken inputs refused in %d ms%n", supported.size(), cases, millis);
        assertEquals(List.of(), failures);
        assertTrue(supported.size() >= 32, "operations Berth implements: " + supported);
        assertEquals(before, repositories(), "no broken input stored anything");
    }

    @Test
    void aNonStringMediaTypeIsRefusedAndANullMemberIsAnAbsentOne() {
        for (String mediaTypes : List.of("[null]", "[1]")) {
            HttpResponse<String> response = ecr("BatchGetImage", RegistryHttp.json("{\"repositoryName\":\"model/x\","
                    + "\"imageIds\":[{\"imageTag\":\"latest\"}],\"acceptedMediaTypes\":" + mediaTypes + "}"));
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(response.body().contains("'acceptedMediaTypes.1.member'"), response.body());
        }
        // A JSON null member is an absent member, as AWS reads it: never a reason for a 500.
        HttpResponse<String> nulls = ecr("ListImages", RegistryHttp.json("{\"repositoryName\":\"model/absent\","
                + "\"maxResults\":null,\"filter\":null,\"registryId\":null}"));
        assertEquals(400, nulls.statusCode(), nulls.body());
        assertEquals("RepositoryNotFoundException", type(nulls));
    }

    @Test
    void everyIamActionRefusesWhatItsModelRulesOut() {
        ModelCases model = new ModelCases("iam-2010-05-08.json");
        AwsApis.Key key = AwsApis.adminKey(BASE);
        List<String> supported = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        long started = System.nanoTime();
        for (String action : model.operations()) {
            HttpResponse<String> valid = AwsApis.iamSigned(BASE, key, form(action, model.minimal(action)));
            Matcher code = IAM_CODE.matcher(valid.body());
            if (code.find() && code.group(1).equals("InvalidAction")) {
                continue;
            }
            supported.add(action);
            if (valid.statusCode() >= 500 || (code.find(0) && code.group(1).equals("ValidationError"))) {
                failures.add(action + " minimal input: " + valid.statusCode() + " " + valid.body());
            }
            for (ModelCases.Case broken : model.broken(action)) {
                // The Query protocol has no JSON types, and Berth's actions take no list or structure parameters.
                if (broken.how().equals("wrong type") || broken.path().contains(".")
                        || List.of("list", "structure", "map").contains(broken.type())) {
                    continue;
                }
                cases++;
                HttpResponse<String> response = AwsApis.iamSigned(BASE, key, form(action, broken.input()));
                String path = Character.toLowerCase(broken.path().charAt(0)) + broken.path().substring(1);
                if (response.statusCode() != 400 || !response.body().contains("<Code>ValidationError</Code>")
                        || !response.body().contains("'" + path + "'")) {
                    failures.add(broken + ": " + response.statusCode() + " " + response.body());
                }
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("IAM: %d actions, %d broken inputs refused in %d ms%n", supported.size(), cases, millis);
        assertEquals(List.of(), failures);
        assertTrue(supported.size() >= 18, "actions Berth implements: " + supported);
    }

    /** Query parameters from a generated input: its scalar members as text. */
    private static String[] form(String action, JsonObject input) {
        List<String> params = new ArrayList<>(List.of("Action", action));
        input.forEach((member, value) -> {
            if (value.getValueType() == JsonValue.ValueType.STRING) {
                params.add(member);
                params.add(((JsonString) value).getString());
            } else if (value.getValueType() == JsonValue.ValueType.NUMBER
                    || value.getValueType() == JsonValue.ValueType.TRUE
                    || value.getValueType() == JsonValue.ValueType.FALSE) {
                params.add(member);
                params.add(value.toString());
            }
        });
        return params.toArray(String[]::new);
    }
}
