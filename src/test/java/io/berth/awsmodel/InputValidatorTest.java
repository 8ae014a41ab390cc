package io.berth.awsmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model check's answers, in AWS's words (the generated cases over every operation are in ApiModelIT). */
class InputValidatorTest {

    private static final InputValidator ECR = new InputValidator(ServiceModel.load("ecr-2015-09-21.json", null));
    private static final InputValidator IAM = new InputValidator(ServiceModel.load("iam-2010-05-08.json",
            "berth-iam-extensions.json"));

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static InputViolation ecr(String operation, String input) {
        return assertThrows(InputViolation.class, () -> ECR.validateJson(operation, json(input)));
    }

    @Test
    void aWrongJsonTypeIsASerializationErrorNamingTheMember() {
        InputViolation e = ecr("BatchGetImage", "{\"repositoryName\":\"a\",\"imageIds\":[{\"imageTag\":\"x\"}],"
                + "\"acceptedMediaTypes\":[1]}");
        assertEquals(InputViolation.Kind.SERIALIZATION, e.kind());
        assertEquals("Value at 'acceptedMediaTypes.1.member' must be a string, not a number", e.getMessage());
    }

    @Test
    void everyBrokenConstraintIsListedInAwsWords() {
        InputViolation e = ecr("DescribeImages", "{\"repositoryName\":\"Not Valid\",\"maxResults\":0,"
                + "\"filter\":{\"tagStatus\":\"SOME\"}}");
        assertEquals(InputViolation.Kind.VALIDATION, e.kind());
        assertTrue(e.getMessage().startsWith("3 validation errors detected: Value 'Not Valid' at 'repositoryName'"
                + " failed to satisfy constraint: Member must satisfy regular expression pattern: "), e.getMessage());
        assertTrue(e.getMessage().contains("Value '0' at 'maxResults' failed to satisfy constraint: Member must have"
                + " value greater than or equal to 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Value 'SOME' at 'filter.tagStatus' failed to satisfy constraint: Member"
                + " must satisfy enum value set: [TAGGED, UNTAGGED, ANY]"), e.getMessage());
        assertEquals("1 validation error detected: Value null at 'repositoryName' failed to satisfy constraint:"
                + " Member must not be null", ecr("ListImages", "{}").getMessage());
        ECR.validateJson("ListImages", json("{\"repositoryName\":\"team/app\",\"unknownMember\":[1]}"));
    }

    @Test
    void queryParametersAreCheckedAndSecretsNeverRepeated() {
        InputViolation e = assertThrows(InputViolation.class, () -> IAM.validateQuery("CreateLoginProfile",
                Map.of("UserName", List.of("bad name"), "Password", List.of("\u0100 not latin-1 secret"))));
        assertTrue(e.getMessage().startsWith("2 validation errors detected: Value 'bad name' at 'userName'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Value at 'password' failed to satisfy constraint"), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        IAM.validateQuery("CreateAccount", Map.of("AccountId", List.of("222222222222"), "AdminUserName",
                List.of("admin"), "AdminPassword", List.of("a-long-password")));
        assertThrows(InputViolation.class, () -> IAM.validateQuery("CreateAccount", Map.of("AccountId",
                List.of("2222"), "AdminUserName", List.of("admin"), "AdminPassword", List.of("a-long-password"))));
    }
}
