package io.berth.ecr;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.Redaction;
import io.berth.awsmodel.InputValidator;
import io.berth.awsmodel.InputViolation;
import io.berth.awsmodel.ServiceModel;
import io.berth.registry.ImageListing;
import io.berth.registry.Names;
import io.berth.registry.RegistryException;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.registry.RepositorySettings;
import io.berth.security.AccessControl;
import io.berth.security.AccessDeniedException;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import io.berth.security.LoginTokens;
import io.berth.security.RepositoryPolicies;
import io.berth.security.SecuritySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Amazon ECR API (JSON 1.1, {@code X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>}): one small
 * handler per operation, each authorized under its own {@code ecr:} action, errors as {@code {"__type","message"}}.
 */
@ApplicationScoped
public class EcrApi {

    static final String TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final Logger LOG = Logger.getLogger(EcrApi.class.getName());
    /** ECR's service model, as AWS publishes it. */
    static final InputValidator VALIDATOR = new InputValidator(ServiceModel.load("ecr-2015-09-21.json",
            "berth-ecr-constraints.json"));

    @Inject
    LoginTokens tokens;

    @Inject
    AccessControl accessControl;

    @Inject
    RepositoryPolicies repositoryPolicies;

    @Inject
    Repositories repositories;

    @Inject
    PageTokens pageTokens;

    @Inject
    ImageListing images;

    @Inject
    ImageOperations imageOperations;

    @Inject
    RepositoryAdministration administration;

    @Inject
    LayerOperations layers;

    @Inject
    LifecyclePolicyOperations lifecycle;

    @Inject
    SecuritySettings securitySettings;

    @Inject
    @ConfigProperty(name = "berth.public.url")
    Optional<String> publicUrl;

    private interface Handler {
        JsonObjectBuilder handle(Call call);
    }

    /**
     * One request to one operation. Its input has passed the model check: every member the model knows has its
     * modelled JSON type (JSON nulls are gone), so handlers read members with the typed getters and check only
     * what the model cannot say.
     */
    record Call(Caller caller, JsonObject input, ClientOrigin origin, String proxyEndpoint) {
        String string(String member) {
            return input.getString(member, null);
        }

        /** A member this operation needs even where ECR's model calls it optional. */
        String required(String member) {
            String value = string(member);
            if (value == null || value.isEmpty()) {
                throw RepositoryInput.invalid(member, "Member must not be null");
            }
            return value;
        }

        /** The account a request's {@code registryId} names; the caller's own when absent. */
        String registryId() {
            return input.getString("registryId", caller.accountId());
        }

        /** The repository a request's {@code repositoryName} names, in the account of its {@code registryId}. */
        RepositoryName repository() {
            String name = required("repositoryName");
            if (!Names.isRepositoryName(name) || Names.isAccountPrefixed(name)) {
                throw RepositoryInput.invalid("repositoryName", Names.isAccountPrefixed(name)
                        ? "a first component of 12 digits is an account id, not part of a name"
                        : "must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+"
                        + "(?:[._-][a-z0-9]+)*' with at most 255 characters");
            }
            return new RepositoryName(registryId(), name);
        }
    }

    private final Map<String, Handler> handlers = Map.ofEntries(
            Map.entry("CreateRepository", this::createRepository),
            Map.entry("DescribeRepositories", this::describeRepositories),
            Map.entry("DeleteRepository", this::deleteRepository),
            Map.entry("ListImages", this::listImages),
            Map.entry("DescribeImages", c -> imageOperations.describeImages(c)),
            Map.entry("BatchGetImage", c -> imageOperations.batchGetImage(c)),
            Map.entry("BatchDeleteImage", c -> imageOperations.batchDeleteImage(c)),
            Map.entry("PutImage", c -> imageOperations.putImage(c)),
            Map.entry("PutImageTagMutability", c -> administration.putImageTagMutability(c)),
            Map.entry("PutImageScanningConfiguration", c -> administration.putImageScanningConfiguration(c)),
            Map.entry("TagResource", c -> administration.tagResource(c)),
            Map.entry("UntagResource", c -> administration.untagResource(c)),
            Map.entry("ListTagsForResource", c -> administration.listTagsForResource(c)),
            Map.entry("DescribeRegistry", c -> administration.describeRegistry(c)),
            Map.entry("PutRegistryPolicy", c -> administration.putRegistryPolicy(c)),
            Map.entry("GetRegistryPolicy", c -> administration.getRegistryPolicy(c)),
            Map.entry("DeleteRegistryPolicy", c -> administration.deleteRegistryPolicy(c)),
            Map.entry("BatchCheckLayerAvailability", c -> layers.batchCheckLayerAvailability(c)),
            Map.entry("InitiateLayerUpload", c -> layers.initiateLayerUpload(c)),
            Map.entry("UploadLayerPart", c -> layers.uploadLayerPart(c)),
            Map.entry("CompleteLayerUpload", c -> layers.completeLayerUpload(c)),
            Map.entry("GetDownloadUrlForLayer", c -> layers.getDownloadUrlForLayer(c)),
            Map.entry("ListImageReferrers", c -> layers.listImageReferrers(c)),
            Map.entry("PutLifecyclePolicy", c -> lifecycle.putLifecyclePolicy(c)),
            Map.entry("GetLifecyclePolicy", c -> lifecycle.getLifecyclePolicy(c)),
            Map.entry("DeleteLifecyclePolicy", c -> lifecycle.deleteLifecyclePolicy(c)),
            Map.entry("StartLifecyclePolicyPreview", c -> lifecycle.startLifecyclePolicyPreview(c)),
            Map.entry("GetLifecyclePolicyPreview", c -> lifecycle.getLifecyclePolicyPreview(c)),
            Map.entry("GetAuthorizationToken", this::getAuthorizationToken),
            Map.entry("SetRepositoryPolicy", this::setRepositoryPolicy),
            Map.entry("GetRepositoryPolicy", this::getRepositoryPolicy),
            Map.entry("DeleteRepositoryPolicy", this::deleteRepositoryPolicy));

    /** ECR's answer to one call: its output, or its error as {@code {"__type","message"}} with the HTTP status. */
    public record Outcome(int status, JsonObject body) {
        public boolean succeeded() {
            return status < 400;
        }

        /** The error's type, such as {@code RepositoryNotEmptyException}; null for a success. */
        public String errorType() {
            return succeeded() ? null : body.getString("__type", null);
        }

        public String errorMessage() {
            return succeeded() ? null : body.getString("message", null);
        }
    }

    /** Answers one call and notes it in its audit entry: operation, parameters, answer or error, repository. */
    public Response handle(AuditEntry audit, Caller caller, String target, String body, ClientOrigin origin,
                           String proxyEndpoint) {
        if (caller == null) {
            return response(audit, error(403, "MissingAuthenticationTokenException", "Missing Authentication Token"));
        }
        String operation = target != null && target.startsWith(TARGET_PREFIX)
                ? target.substring(TARGET_PREFIX.length()) : null;
        if (operation == null || !handlers.containsKey(operation)) {
            return response(audit, unknown(operation == null ? target : operation));
        }
        audit.call(AuditEntry.ECR, operation);
        try {
            return response(audit, call(audit, caller, operation, parse(body), origin, proxyEndpoint));
        } catch (EcrException e) {
            return response(audit, error(e.status(), e.type(), e.getMessage()));
        }
    }

    private static Response response(AuditEntry audit, Outcome outcome) {
        if (!outcome.succeeded()) {
            audit.error(outcome.errorType(), outcome.errorMessage());
        }
        return Response.status(outcome.status()).type(CONTENT_TYPE).entity(outcome.body().toString()).build();
    }

    /**
     * One call of an operation by its name, with its input already parsed: what the endpoint does for a request,
     * and what the web console does for a form, so that both take the same checks, decisions and audit record.
     */
    public Outcome call(AuditEntry audit, Caller caller, String operation, JsonObject input, ClientOrigin origin,
                        String proxyEndpoint) {
        try {
            Handler handler = operation == null ? null : handlers.get(operation);
            if (handler == null) {
                return unknown(operation);
            }
            audit.call(AuditEntry.ECR, operation);
            input = (JsonObject) withoutNulls(input);
            audit.parameters(Redaction.of(input));
            // Checked against the operation's model before the handler runs, as AWS checks its input.
            VALIDATOR.validateJson(operation, input);
            Call call = new Call(caller, input, origin, publicUrl.orElse(proxyEndpoint));
            if (input.get("repositoryName") instanceof JsonString name && Names.isRepositoryName(name.getString())
                    && !Names.isAccountPrefixed(name.getString())) {
                audit.repository(call.repository());
            }
            JsonObject output = handler.handle(call).build();
            if (!AuditEntry.readOnly(operation)) {
                audit.response(Redaction.of(output));
            }
            return new Outcome(200, output);
        } catch (InputViolation e) {
            return error(400, e.kind() == InputViolation.Kind.SERIALIZATION ? "SerializationException"
                    : "InvalidParameterException", e.getMessage());
        } catch (EcrException e) {
            return error(e.status(), e.type(), e.getMessage());
        } catch (AccessDeniedException e) {
            return error(400, "AccessDeniedException", e.getMessage());
        } catch (RegistryException e) {
            return switch (e.problem()) {
                // Its message is ECR's already: "The repository with name '…' does not exist in the registry …".
                case NAME_UNKNOWN -> error(400, "RepositoryNotFoundException", e.getMessage());
                case REPOSITORY_EXISTS -> error(400, "RepositoryAlreadyExistsException", e.getMessage());
                case REPOSITORY_NOT_EMPTY -> error(400, "RepositoryNotEmptyException", e.getMessage());
                case TOO_MANY_TAGS -> error(400, "TooManyTagsException", e.getMessage());
                case REPOSITORY_POLICY_NOT_FOUND -> error(400, "RepositoryPolicyNotFoundException", e.getMessage());
                case LIFECYCLE_POLICY_NOT_FOUND -> error(400, "LifecyclePolicyNotFoundException", e.getMessage());
                case REGISTRY_POLICY_NOT_FOUND -> error(400, "RegistryPolicyNotFoundException", e.getMessage());
                default -> error(400, "InvalidParameterException", e.getMessage());
            };
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "ECR operation " + operation + " failed", e);
            return error(500, "ServerException", "internal error");
        }
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new EcrException("SerializationException", "the request body is not a JSON object");
        }
    }

    /** A JSON null member means the member is absent, as AWS reads it; dropping them lets handlers use getters. */
    private static JsonValue withoutNulls(JsonValue value) {
        if (value instanceof JsonObject object) {
            JsonObjectBuilder copy = JSON.createObjectBuilder();
            object.forEach((member, inner) -> {
                if (inner.getValueType() != JsonValue.ValueType.NULL) {
                    copy.add(member, withoutNulls(inner));
                }
            });
            return copy.build();
        }
        if (value instanceof JsonArray array) {
            // In a list a null stays: it is an element of the wrong type, which the model check refuses.
            JsonArrayBuilder copy = JSON.createArrayBuilder();
            array.forEach(inner -> copy.add(withoutNulls(inner)));
            return copy.build();
        }
        return value;
    }

    private static Outcome unknown(String operation) {
        return error(400, "UnknownOperationException", "Berth does not implement the operation " + operation);
    }

    static Outcome error(int status, String type, String message) {
        return new Outcome(status, JSON.createObjectBuilder().add("__type", type).add("message", message).build());
    }

    // --- operations ---------------------------------------------------------------------------------------------

    private JsonObjectBuilder createRepository(Call call) {
        RepositoryName repository = call.repository();
        RepositorySettings settings = RepositoryInput.settings(call.input());
        Map<String, String> tags = RepositoryInput.tags(call.input());
        accessControl.require(call.caller(), "ecr:CreateRepository", repository, call.origin(),
                AccessControl.requestTags(tags));
        Repository created = repositories.create(repository, settings, tags, call.caller().getName());
        return JSON.createObjectBuilder().add("repository", describe(created, call));
    }

    private JsonObjectBuilder describeRepositories(Call call) {
        String account = call.registryId();
        JsonArrayBuilder list = JSON.createArrayBuilder();
        if (call.input().containsKey("repositoryNames")) {
            if (call.input().containsKey("nextToken") || call.input().containsKey("maxResults")) {
                throw new EcrException("InvalidParameterException",
                        "nextToken and maxResults cannot be used with repositoryNames");
            }
            for (String name : RepositoryInput.names(call.input(), "repositoryNames")) {
                RepositoryName repository = new RepositoryName(account, name);
                accessControl.require(call.caller(), "ecr:DescribeRepositories", repository, call.origin());
                list.add(describe(repositories.require(repository), call));
            }
            return JSON.createObjectBuilder().add("repositories", list);
        }
        int limit = RepositoryInput.maxResults(call.input(), 1000);
        String after = pageTokens.read(call.string("nextToken"), "DescribeRepositories", account);
        List<Repository> page = repositories.list(account, after, limit + 1);
        JsonObjectBuilder output = JSON.createObjectBuilder();
        for (Repository repository : page.subList(0, Math.min(limit, page.size()))) {
            if (accessControl.allowed(call.caller(), "ecr:DescribeRepositories", repository.repositoryName(),
                    call.origin())) {
                list.add(describe(repository, call));
            }
        }
        if (page.size() > limit) {
            output.add("nextToken", pageTokens.write("DescribeRepositories", account,
                    page.get(limit - 1).name()));
        }
        return output.add("repositories", list);
    }

    private JsonObjectBuilder deleteRepository(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:DeleteRepository", repository, call.origin());

        JsonObjectBuilder described = describe(repositories.require(repository), call);
        repositories.delete(repository, call.input().getBoolean("force", false), call.caller().getName());
        accessControl.forget(repository);
        return JSON.createObjectBuilder().add("repository", described);
    }

    private JsonObjectBuilder listImages(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:ListImages", repository, call.origin());
        ImageListing.TagStatus status = ImageOperations.tagStatus(call.input());
        int limit = RepositoryInput.maxResults(call.input(), 1000);
        String scope = repository + "/" + status;
        int offset = pageTokens.readOffset(call.string("nextToken"), "ListImages", scope);
        List<ImageListing.ImageId> ids = images.list(repository, status, offset, limit + 1);
        JsonArrayBuilder list = JSON.createArrayBuilder();
        for (ImageListing.ImageId id : ids.subList(0, Math.min(limit, ids.size()))) {
            JsonObjectBuilder entry = JSON.createObjectBuilder().add("imageDigest", id.digest());
            if (id.tag() != null) {
                entry.add("imageTag", id.tag());
            }
            list.add(entry);
        }
        JsonObjectBuilder output = JSON.createObjectBuilder().add("imageIds", list);
        if (ids.size() > limit) {
            output.add("nextToken", pageTokens.write("ListImages", scope, offset + limit));
        }
        return output;
    }

    /** A repository as ECR describes it, with this registry's host, region and account ids. */
    private JsonObjectBuilder describe(Repository repository, Call call) {
        RepositorySettings settings = repository.settings();
        String host = call.proxyEndpoint().replaceFirst("^https?://", "");
        JsonObjectBuilder encryption = JSON.createObjectBuilder().add("encryptionType", settings.encryptionType());
        if (settings.kmsKey() != null) {
            encryption.add("kmsKey", settings.kmsKey());
        }
        JsonObjectBuilder out = JSON.createObjectBuilder()
                .add("repositoryArn", repository.repositoryName().arn(securitySettings.region()))
                .add("registryId", repository.accountId())
                .add("repositoryName", repository.name())
                .add("repositoryUri", host + "/" + repository.accountId() + "/" + repository.name())
                .add("createdAt", epochSeconds(repository.createdAt()))
                .add("imageTagMutability", settings.tagMutability())
                .add("imageScanningConfiguration", JSON.createObjectBuilder().add("scanOnPush", settings.scanOnPush()))
                .add("encryptionConfiguration", encryption);
        if (!settings.mutabilityExclusions().isEmpty()) {
            JsonArrayBuilder filters = JSON.createArrayBuilder();
            settings.mutabilityExclusions().forEach(f -> filters.add(JSON.createObjectBuilder()
                    .add("filterType", "WILDCARD").add("filter", f)));
            out.add("imageTagMutabilityExclusionFilters", filters);
        }
        return out;
    }

    private JsonObjectBuilder getAuthorizationToken(Call call) {
        accessControl.requireAccountAction(call.caller(), "ecr:GetAuthorizationToken", call.origin());
        LoginTokens.IssuedToken token = tokens.issue(call.caller());
        return JSON.createObjectBuilder().add("authorizationData", JSON.createArrayBuilder().add(
                JSON.createObjectBuilder()
                        .add("authorizationToken", token.authorizationToken())
                        .add("expiresAt", epochSeconds(token.expiresAt().toEpochMilli()))
                        .add("proxyEndpoint", call.proxyEndpoint())));
    }

    private JsonObjectBuilder setRepositoryPolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:SetRepositoryPolicy", repository, call.origin());
        String policy = call.required("policyText");
        try {
            repositoryPolicies.set(repository, policy, call.caller().getName());
        } catch (IllegalArgumentException invalid) {
            throw new EcrException("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy"
                    + " constraint: 'Invalid repository policy provided': " + invalid.getMessage());
        }
        return policyOutput(repository, policy);
    }

    private JsonObjectBuilder getRepositoryPolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:GetRepositoryPolicy", repository, call.origin());
        return policyOutput(repository, requirePolicy(repository));
    }

    private JsonObjectBuilder deleteRepositoryPolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:DeleteRepositoryPolicy", repository, call.origin());
        return policyOutput(repository, repositoryPolicies.set(repository, null, call.caller().getName()).orElseThrow());
    }

    private String requirePolicy(RepositoryName repository) {
        return repositoryPolicies.require(repository);
    }

    private static JsonObjectBuilder policyOutput(RepositoryName repository, String policy) {
        return repositoryIdentity(repository).add("policyText", policy);
    }

    /** {@code registryId} and {@code repositoryName}, with which most ECR outputs begin. */
    static JsonObjectBuilder repositoryIdentity(RepositoryName repository) {
        return JSON.createObjectBuilder().add("registryId", repository.accountId())
                .add("repositoryName", repository.name());
    }

    /** ECR's timestamps: epoch seconds, with a fraction. */
    static BigDecimal epochSeconds(long millis) {
        return BigDecimal.valueOf(millis, 3);
    }
}
