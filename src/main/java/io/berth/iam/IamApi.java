package io.berth.iam;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.Redaction;
import io.berth.awsmodel.InputValidator;
import io.berth.awsmodel.InputViolation;
import io.berth.awsmodel.ServiceModel;
import io.berth.security.AccessKey;
import io.berth.security.Caller;
import io.berth.security.Group;
import io.berth.security.Identities;
import io.berth.security.IdentityException;
import io.berth.security.IdentityProblem;
import io.berth.security.InlinePolicy.OwnerKind;
import io.berth.security.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The IAM-compatible subset that manages users, groups, access keys, passwords and inline policies, in the AWS
 * Query protocol (form-encoded {@code Action=…}, XML answers), so that {@code aws iam … --endpoint-url} and the AWS
 * SDKs' IAM clients work. Only administrators may call it, and only on their own account.
 */
@ApplicationScoped
public class IamApi {

    static final String NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
    private static final Logger LOG = Logger.getLogger(IamApi.class.getName());
    /** IAM's service model, as AWS publishes it, with Berth's own CreateAccount. */
    static final InputValidator VALIDATOR = new InputValidator(ServiceModel.load("iam-2010-05-08.json",
            "berth-iam-extensions.json"));

    @Inject
    Identities identities;

    /** One request: who asks, in which account, with which parameters. */
    record Call(Caller caller, MultivaluedMap<String, String> form, AuditEntry audit) {
        String param(String name) {
            String value = form.getFirst(name);
            if (value == null || value.isEmpty()) {
                throw new IdentityException(IdentityProblem.VALIDATION_ERROR,
                        "1 validation error detected: Value null at '" + name + "' failed to satisfy constraint:"
                                + " Member must not be null");
            }
            return value;
        }

        String account() {
            return caller.accountId();
        }

        /** Who makes the change, as domain events name it. */
        String actor() {
            return caller.getName();
        }

        /** {@code UserName}, or the caller's own name when absent (as IAM's key and user actions default). */
        String userNameOrOwn() {
            String name = form.getFirst("UserName");
            return name == null || name.isEmpty() ? caller.userName() : name;
        }
    }

    private final Map<String, BiConsumer<Call, Xml>> actions = Map.ofEntries(
            Map.entry("CreateUser", this::createUser),
            Map.entry("GetUser", this::getUser),
            Map.entry("ListUsers", this::listUsers),
            Map.entry("DeleteUser", (c, x) -> identities.deleteUser(c.account(), c.param("UserName"), c.actor())),
            Map.entry("CreateLoginProfile", (c, x) -> setPassword(c, x, true)),
            Map.entry("UpdateLoginProfile", (c, x) -> setPassword(c, x, false)),
            Map.entry("DeleteLoginProfile", (c, x) -> identities.deletePassword(c.account(), c.param("UserName"),
                    c.actor())),
            Map.entry("CreateAccessKey", this::createAccessKey),
            Map.entry("ListAccessKeys", this::listAccessKeys),
            Map.entry("UpdateAccessKey", this::updateAccessKey),
            Map.entry("DeleteAccessKey", (c, x) -> identities.deleteAccessKey(c.account(), c.userNameOrOwn(),
                    c.param("AccessKeyId"), c.actor())),
            Map.entry("CreateGroup", this::createGroup),
            Map.entry("AddUserToGroup", (c, x) -> identities.setMembership(c.account(), c.param("GroupName"),
                    c.param("UserName"), true, c.actor())),
            Map.entry("RemoveUserFromGroup", (c, x) -> identities.setMembership(c.account(), c.param("GroupName"),
                    c.param("UserName"), false, c.actor())),
            Map.entry("PutUserPolicy", (c, x) -> identities.putPolicy(OwnerKind.USER, c.account(),
                    c.param("UserName"), c.param("PolicyName"), c.param("PolicyDocument"), c.actor())),
            Map.entry("GetUserPolicy", this::getUserPolicy),
            Map.entry("DeleteUserPolicy", (c, x) -> identities.deletePolicy(OwnerKind.USER, c.account(),
                    c.param("UserName"), c.param("PolicyName"), c.actor())),
            Map.entry("PutGroupPolicy", (c, x) -> identities.putPolicy(OwnerKind.GROUP, c.account(),
                    c.param("GroupName"), c.param("PolicyName"), c.param("PolicyDocument"), c.actor())),
            Map.entry("DeleteGroupPolicy", (c, x) -> identities.deletePolicy(OwnerKind.GROUP, c.account(),
                    c.param("GroupName"), c.param("PolicyName"), c.actor())),
            Map.entry("CreateAccount", this::createAccount));

    /**
     * IAM's answer to one call: the XML document, and for an error its code and message. The web console takes its
     * actions through {@link #call}, so that they get the same checks and audit record as the API's.
     */
    public record Outcome(int status, String xml, String errorCode, String errorMessage) {
        public boolean succeeded() {
            return status < 400;
        }

        Response response() {
            return Response.status(status).type("text/xml").entity(xml).build();
        }
    }

    /** Answers one request. */
    public Response handle(AuditEntry audit, Caller caller, MultivaluedMap<String, String> form) {
        return call(audit, caller, form).response();
    }

    /** Answers one call and notes it in its audit entry: action, parameters (no passwords), error. */
    public Outcome call(AuditEntry audit, Caller caller, MultivaluedMap<String, String> form) {
        String action = form.getFirst("Action");
        audit.call(AuditEntry.IAM, action != null && action.length() <= 64
                && action.chars().allMatch(Character::isLetterOrDigit) ? action : "Unknown")
                .parameters(Redaction.of(parameters(form)));
        if (form.getFirst("UserName") != null) {
            audit.iamUser(form.getFirst("UserName"));
        }
        try {
            if (caller == null) {
                return refuse(audit, 403, "MissingAuthenticationToken", "Request is missing Authentication Token");
            }
            BiConsumer<Call, Xml> handler = action == null ? null : actions.get(action);
            if (handler == null) {
                return refuse(audit, 400, "InvalidAction", "Could not find operation " + action);
            }
            if (!caller.administrator()) {
                return refuse(audit, 403, "AccessDenied", "User: " + caller.arn() + " is not authorized to perform: iam:"
                        + action + " (only administrators manage identities)");
            }
            // Checked against IAM's model (and Berth's CreateAccount) before the handler runs, as IAM does.
            VALIDATOR.validateQuery(action, form);
            Xml result = new Xml();
            handler.accept(new Call(caller, form, audit), result);
            Xml response = new Xml();
            response.open(action + "Response xmlns=\"" + NAMESPACE + "\"");
            if (!result.toString().isEmpty()) {
                response.open(action + "Result");
                response.raw(result);
                response.close(action + "Result");
            }
            response.open("ResponseMetadata").text("RequestId", UUID.randomUUID().toString())
                    .close("ResponseMetadata").close(action + "Response");
            return new Outcome(200, response.toString(), null, null);
        } catch (InputViolation e) {
            return refuse(audit, 400, e.kind() == InputViolation.Kind.SERIALIZATION ? "MalformedInput" : "ValidationError",
                    e.getMessage());
        } catch (IdentityException e) {
            return refuse(audit, e.problem().status(), e.problem().code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "IAM action " + action + " failed", e);
            return refuse(audit, 500, "ServiceFailure", "internal error");
        }
    }

    private static Outcome refuse(AuditEntry audit, int status, String code, String message) {
        audit.error(code, message);
        return new Outcome(status, error(status, code, message).getEntity().toString(), code, message);
    }

    /** The form's parameters as CloudTrail writes IAM's: without Action and Version, names in lower camel case. */
    private static JsonObject parameters(MultivaluedMap<String, String> form) {
        JsonObjectBuilder parameters = JSON.createObjectBuilder();
        form.forEach((name, values) -> {
            if (!name.equals("Action") && !name.equals("Version") && !name.isEmpty() && !values.isEmpty()) {
                parameters.add(Character.toLowerCase(name.charAt(0)) + name.substring(1), values.get(0));
            }
        });
        return parameters.build();
    }

    static Response error(int status, String code, String message) {
        Xml xml = new Xml().open("ErrorResponse xmlns=\"" + NAMESPACE + "\"").open("Error")
                .text("Type", status >= 500 ? "Receiver" : "Sender").text("Code", code).text("Message", message)
                .close("Error").text("RequestId", UUID.randomUUID().toString()).close("ErrorResponse");
        return Response.status(status).type("text/xml").entity(xml.toString()).build();
    }

    // --- actions ------------------------------------------------------------------------------------------------

    private void createUser(Call call, Xml out) {
        user(out, identities.createUser(call.account(), call.param("UserName"), false, call.actor()));
    }

    private void getUser(Call call, Xml out) {
        user(out, identities.requireUser(call.account(), call.userNameOrOwn()));
    }

    private void listUsers(Call call, Xml out) {
        out.open("Users");
        for (User user : identities.users(call.account())) {
            out.open("member");
            userFields(out, user);
            out.close("member");
        }
        out.close("Users").text("IsTruncated", "false");
    }

    private static void user(Xml out, User user) {
        out.open("User");
        userFields(out, user);
        out.close("User");
    }

    private static void userFields(Xml out, User user) {
        out.text("Path", "/").text("UserName", user.name()).text("UserId", user.externalId())
                .text("Arn", user.arn()).time("CreateDate", user.createdAt());
    }

    private void setPassword(Call call, Xml out, boolean create) {
        User user = identities.requireUser(call.account(), call.param("UserName"));
        identities.setPassword(user, call.param("Password"), create, call.actor());
        if (create) {
            out.open("LoginProfile").text("UserName", user.name()).time("CreateDate", System.currentTimeMillis())
                    .text("PasswordResetRequired", "false").close("LoginProfile");
        }
    }

    private void createAccessKey(Call call, Xml out) {
        Identities.NewAccessKey created = identities.createAccessKey(call.account(), call.userNameOrOwn(),
                call.actor());
        // Which key was made, never its secret.
        call.audit().response(JSON.createObjectBuilder().add("accessKey", JSON.createObjectBuilder()
                .add("userName", created.userName()).add("accessKeyId", created.key().id()).add("status", "Active"))
                .build());
        out.open("AccessKey").text("UserName", created.userName()).text("AccessKeyId", created.key().id())
                .text("Status", "Active").text("SecretAccessKey", created.secret())
                .time("CreateDate", created.key().createdAt()).close("AccessKey");
    }

    private void listAccessKeys(Call call, Xml out) {
        User user = identities.requireUser(call.account(), call.userNameOrOwn());
        out.open("AccessKeyMetadata");
        for (AccessKey key : identities.accessKeys(user)) {
            out.open("member").text("UserName", user.name()).text("AccessKeyId", key.id())
                    .text("Status", key.active() ? "Active" : "Inactive").time("CreateDate", key.createdAt())
                    .close("member");
        }
        out.close("AccessKeyMetadata").text("IsTruncated", "false");
    }

    private void updateAccessKey(Call call, Xml out) {
        // IAM's model allows only Active and Inactive: checked before this runs.
        identities.setAccessKeyActive(call.account(), call.userNameOrOwn(), call.param("AccessKeyId"),
                call.param("Status").equals("Active"), call.actor());
    }

    private void createGroup(Call call, Xml out) {
        Group group = identities.createGroup(call.account(), call.param("GroupName"), call.actor());
        out.open("Group").text("Path", "/").text("GroupName", group.name()).text("GroupId", group.externalId())
                .text("Arn", group.arn()).time("CreateDate", group.createdAt()).close("Group");
    }

    private void getUserPolicy(Call call, Xml out) {
        String user = call.param("UserName");
        var policy = identities.requirePolicy(OwnerKind.USER, call.account(), user, call.param("PolicyName"));
        // IAM returns policy documents URL-encoded; the AWS CLI decodes them.
        out.text("UserName", user).text("PolicyName", policy.name())
                .text("PolicyDocument", URLEncoder.encode(policy.document(), StandardCharsets.UTF_8)
                        .replace("+", "%20"));
    }

    /** Berth's own action: a registry administrator (of the bootstrap account) creates another account. */
    private void createAccount(Call call, Xml out) {
        if (!call.account().equals(identities.bootstrapAccountId())) {
            throw new IdentityException(IdentityProblem.ACCESS_DENIED,
                    "only administrators of the bootstrap account create accounts");
        }
        User admin = identities.createAccount(call.param("AccountId"), call.form().getFirst("AccountName"),
                call.param("AdminUserName"), call.param("AdminPassword"), call.actor());
        out.open("Account").text("AccountId", admin.accountId()).close("Account");
        user(out, admin);
    }
}
