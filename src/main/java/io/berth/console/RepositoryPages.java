package io.berth.console;

import static io.berth.platform.Jsonp.JSON;

import io.berth.ecr.EcrApi;
import io.berth.lifecycle.LifecyclePreviews;
import io.berth.registry.ImageListing;
import io.berth.registry.Names;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.registry.RepositorySettings;
import io.berth.security.AccessControl;
import io.berth.security.SecuritySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console's repository pages: the list, creating one, a repository's images, its settings, its policy, its
 * lifecycle policy with a preview, and deleting it. A repository's own pages are {@code /repositories/NAME} and
 * {@code /repositories/NAME/_/PAGE}: no name has a component {@code _}, so the two never mix (ECR's console does
 * the same).
 */
@ApplicationScoped
public class RepositoryPages implements ConsoleArea {

    static final int PAGE_SIZE = 50;
    static final String LIST = "/repositories";
    static final String CREATE = "/new-repository";
    private static final String PREFIX = LIST + "/";
    private static final String SUB_PAGE = "/_/";
    private static final String SECTION = "repositories";

    @Inject
    Repositories repositories;

    @Inject
    ImageListing images;

    @Inject
    LifecyclePreviews previews;

    @Inject
    AccessControl accessControl;

    @Inject
    ConsoleActions actions;

    @Inject
    SecuritySettings securitySettings;

    @Inject
    @ConfigProperty(name = "berth.public.url")
    Optional<String> publicUrl;

    @Override
    public boolean serves(String path) {
        return path.equals(LIST) || path.equals(CREATE) || path.startsWith(PREFIX);
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        if (page.path().equals(LIST)) {
            list(page);
        } else if (page.path().equals(CREATE)) {
            createForm(page, Map.of(), 200);
        } else {
            Target target = Target.of(page.path());
            if (target == null) {
                page.notFound();
                return;
            }
            switch (target.subPage()) {
                case "" -> images(page, target.name());
                case "settings" -> settings(page, target.name(), null);
                case "policy" -> policy(page, target.name(), null, null);
                case "lifecycle" -> lifecycle(page, target.name(), null, null);
                case "delete" -> deleteForm(page, target.name(), null);
                default -> page.notFound();
            }
        }
    }

    @Override
    public void post(ConsolePage page) throws IOException {
        if (page.path().equals(CREATE)) {
            create(page);
            return;
        }
        Target target = page.path().startsWith(PREFIX) ? Target.of(page.path()) : null;
        if (target == null) {
            page.notFound();
            return;
        }
        switch (target.subPage()) {
            case "delete" -> delete(page, target.name());
            case "delete-image" -> deleteImage(page, target.name());
            case "mutability" -> mutability(page, target.name());
            case "scanning" -> scanning(page, target.name());
            case "tags" -> resourceTags(page, target.name());
            case "policy" -> savePolicy(page, target.name());
            case "lifecycle" -> saveLifecycle(page, target.name());
            default -> page.notFound();
        }
    }

    /** A repository's name and which of its pages is asked for ("" for its images). */
    private record Target(String name, String subPage) {
        static Target of(String path) {
            String rest = path.substring(PREFIX.length());
            int split = rest.indexOf(SUB_PAGE);
            String name = split < 0 ? rest : rest.substring(0, split);
            String subPage = split < 0 ? "" : rest.substring(split + SUB_PAGE.length());
            return Names.isRepositoryName(name) ? new Target(name, subPage) : null;
        }
    }

    static String link(String name) {
        return PREFIX + name;
    }

    // --- the list -----------------------------------------------------------------------------------------------

    /**
     * The repositories the caller may describe, whose names start with the prefix searched for, in name order (or
     * its reverse), a page at a time: each page reads the next names after the last one shown, so that it stays
     * fast however many repositories there are.
     */
    private void list(ConsolePage page) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        String prefix = page.param("prefix");
        boolean descending = page.param("order").equals("desc");
        String after = page.request().getParameter("after");
        List<Repository> found = repositories.list(page.account(), prefix, after, descending, PAGE_SIZE + 1);
        List<Repository> shown = new ArrayList<>();
        for (Repository repository : found.subList(0, Math.min(PAGE_SIZE, found.size()))) {
            if (accessControl.allowed(page.caller(), "ecr:DescribeRepositories", repository.repositoryName(),
                    page.origin())) {
                shown.add(repository);
            }
        }
        model.put("prefix", prefix);
        model.put("order", descending ? "desc" : "asc");
        model.put("repositories", shown.stream().map(RepositoryRow::of).toList());
        model.put("next", found.size() > PAGE_SIZE ? found.get(PAGE_SIZE - 1).name() : null);
        model.put("registry", registry(page));
        page.render(200, "repositories", model);
    }

    // --- creating one -------------------------------------------------------------------------------------------

    private void createForm(ConsolePage page, Map<String, Object> values, int status) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        model.put("form", values);
        page.render(status, "new-repository", model);
    }

    private void create(ConsolePage page) throws IOException {
        String name = page.param("name");
        JsonObjectBuilder input = JSON.createObjectBuilder().add("repositoryName", name);
        mutabilityInput(page, input);
        input.add("imageScanningConfiguration", JSON.createObjectBuilder().add("scanOnPush",
                page.checked("scanOnPush")));
        JsonObjectBuilder encryption = JSON.createObjectBuilder().add("encryptionType",
                page.param("encryption").equals("KMS") ? "KMS" : "AES256");
        if (page.param("encryption").equals("KMS") && !page.param("kmsKey").isEmpty()) {
            encryption.add("kmsKey", page.param("kmsKey"));
        }
        input.add("encryptionConfiguration", encryption);
        JsonArrayBuilder tags = JSON.createArrayBuilder();
        lines(page.text("tags")).forEach(line -> {
            int equals = line.indexOf('=');
            tags.add(JSON.createObjectBuilder().add("Key", equals < 0 ? line : line.substring(0, equals).strip())
                    .add("Value", equals < 0 ? "" : line.substring(equals + 1).strip()));
        });
        input.add("tags", tags);
        EcrApi.Outcome outcome = actions.ecr(page, "CreateRepository", input.build());
        if (outcome.succeeded()) {
            page.redirect(link(name), "Created repository " + name + ".");
            return;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (String field : List.of("name", "mutability", "exclusions", "encryption", "kmsKey", "tags")) {
            values.put(field, page.text(field));
        }
        values.put("scanOnPush", page.checked("scanOnPush"));
        values.put("error", message(outcome));
        createForm(page, values, 400);
    }

    /**
     * The mutability fields as ECR takes them: MUTABLE or IMMUTABLE, and with exclusion filters (one a line) the
     * _WITH_EXCLUSION variant.
     */
    private static void mutabilityInput(ConsolePage page, JsonObjectBuilder input) {
        String mutability = page.param("mutability").equals("IMMUTABLE") ? "IMMUTABLE" : "MUTABLE";
        List<String> exclusions = lines(page.text("exclusions"));
        input.add("imageTagMutability", exclusions.isEmpty() ? mutability : mutability + "_WITH_EXCLUSION");
        if (!exclusions.isEmpty()) {
            JsonArrayBuilder filters = JSON.createArrayBuilder();
            exclusions.forEach(filter -> filters.add(JSON.createObjectBuilder().add("filterType", "WILDCARD")
                    .add("filter", filter)));
            input.add("imageTagMutabilityExclusionFilters", filters);
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /** An ECR error as a sentence for the page: its message, which names a missing permission. */
    static String message(EcrApi.Outcome outcome) {
        return outcome.errorType() + ": " + outcome.errorMessage();
    }

    // --- a repository's images ----------------------------------------------------------------------------------

    /** A repository the caller may see with {@code action}; a refusal or not-found page answered otherwise. */
    private Optional<Repository> visible(ConsolePage page, String name, String action) throws IOException {
        RepositoryName repository = new RepositoryName(page.account(), name);
        if (!accessControl.allowed(page.caller(), action, repository, page.origin())) {
            page.refused(SECTION, "You may not open this page of " + name + ": your policies do not allow " + action
                    + " on it.");
            return Optional.empty();
        }
        Optional<Repository> found = repositories.find(repository);
        if (found.isEmpty()) {
            page.notFound();
        }
        return found;
    }

    /** A repository's images, a page at a time, with the commands that pull them. */
    private void images(ConsolePage page, String name) throws IOException {
        Optional<Repository> repository = visible(page, name, "ecr:DescribeImages");
        if (repository.isEmpty()) {
            return;
        }
        int offset = Math.max(0, page.number("from", 0));
        List<ImageListing.ImageDetails> found = images.describe(repository.get().repositoryName(),
                ImageListing.TagStatus.ANY, offset, PAGE_SIZE + 1);
        List<ImageListing.ImageDetails> shown = found.subList(0, Math.min(PAGE_SIZE, found.size()));
        Map<String, List<ImageListing.ReferrerSummary>> referrers = images.referrers(
                repository.get().repositoryName(), shown.stream().map(ImageListing.ImageDetails::digest).toList());
        Map<String, Object> model = repositoryModel(page, repository.get(), "images");
        model.put("images", shown.stream().map(image -> ImageRow.of(image, referrers.getOrDefault(image.digest(),
                List.of()))).toList());
        model.put("next", found.size() > PAGE_SIZE ? offset + PAGE_SIZE : null);
        model.put("registry", registry(page));
        page.render(200, "repository", model);
    }

    private Map<String, Object> repositoryModel(ConsolePage page, Repository repository, String tab) {
        Map<String, Object> model = page.model(SECTION);
        model.put("name", repository.name());
        model.put("tab", tab);
        return model;
    }

    /** Deletes one tag, or an image with all its tags (BatchDeleteImage). */
    private void deleteImage(ConsolePage page, String name) {
        String target = page.param("image");
        boolean image = target.startsWith("sha256:") || target.startsWith("sha512:");
        JsonObject id = JSON.createObjectBuilder().add(image ? "imageDigest" : "imageTag", target).build();
        EcrApi.Outcome outcome = actions.ecr(page, "BatchDeleteImage", JSON.createObjectBuilder()
                .add("repositoryName", name).add("imageIds", JSON.createArrayBuilder().add(id)).build());
        String note;
        if (!outcome.succeeded()) {
            note = message(outcome);
        } else if (!outcome.body().getJsonArray("failures").isEmpty()) {
            JsonObject failure = outcome.body().getJsonArray("failures").getJsonObject(0);
            note = "Not deleted: " + failure.getString("failureCode", "") + ": "
                    + failure.getString("failureReason", "");
        } else {
            note = "Deleted " + (image ? "image " : "tag ") + target + ".";
        }
        page.redirect(link(name), note);
    }

    // --- settings -----------------------------------------------------------------------------------------------

    private void settings(ConsolePage page, String name, String error) throws IOException {
        Optional<Repository> repository = visible(page, name, "ecr:DescribeRepositories");
        if (repository.isEmpty()) {
            return;
        }
        RepositorySettings settings = repository.get().settings();
        Map<String, Object> model = repositoryModel(page, repository.get(), "settings");
        model.put("mutability", settings.tagMutability().startsWith("IMMUTABLE") ? "IMMUTABLE" : "MUTABLE");
        model.put("exclusions", String.join("\n", settings.mutabilityExclusions()));
        model.put("scanOnPush", settings.scanOnPush());
        model.put("encryption", settings.encryptionType() + (settings.kmsKey() != null ? " (" + settings.kmsKey()
                + ")" : ""));
        model.put("arn", repository.get().repositoryName().arn(securitySettings.region()));
        model.put("created", Format.time(repository.get().createdAt()));
        model.put("resourceTags", repositories.resourceTags(repository.get()));
        model.put("error", error);
        page.render(error == null ? 200 : 400, "repository-settings", model);
    }

    private void mutability(ConsolePage page, String name) throws IOException {
        JsonObjectBuilder input = JSON.createObjectBuilder().add("repositoryName", name);
        mutabilityInput(page, input);
        afterSettings(page, name, actions.ecr(page, "PutImageTagMutability", input.build()),
                "Saved the tag mutability.");
    }

    private void scanning(ConsolePage page, String name) throws IOException {
        afterSettings(page, name, actions.ecr(page, "PutImageScanningConfiguration", JSON.createObjectBuilder()
                .add("repositoryName", name).add("imageScanningConfiguration", JSON.createObjectBuilder()
                        .add("scanOnPush", page.checked("scanOnPush"))).build()), "Saved the scanning setting.");
    }

    /** Adds a resource tag (TagResource), or removes one (UntagResource) when the form names one to remove. */
    private void resourceTags(ConsolePage page, String name) throws IOException {
        String arn = new RepositoryName(page.account(), name).arn(securitySettings.region());
        String remove = page.param("remove");
        EcrApi.Outcome outcome = remove.isEmpty()
                ? actions.ecr(page, "TagResource", JSON.createObjectBuilder().add("resourceArn", arn)
                .add("tags", JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("Key", page.param("key"))
                        .add("Value", page.param("value")))).build())
                : actions.ecr(page, "UntagResource", JSON.createObjectBuilder().add("resourceArn", arn)
                .add("tagKeys", JSON.createArrayBuilder().add(remove)).build());
        afterSettings(page, name, outcome, remove.isEmpty() ? "Tagged the repository." : "Removed tag " + remove
                + ".");
    }

    private void afterSettings(ConsolePage page, String name, EcrApi.Outcome outcome, String done)
            throws IOException {
        if (outcome.succeeded()) {
            page.redirect(link(name) + SUB_PAGE + "settings", done);
        } else {
            settings(page, name, message(outcome));
        }
    }

    // --- the repository policy ----------------------------------------------------------------------------------

    /** The policy as stored (or as the form sent it back, with the policy engine's message beside it). */
    private void policy(ConsolePage page, String name, String text, String error) throws IOException {
        Optional<Repository> repository = visible(page, name, "ecr:GetRepositoryPolicy");
        if (repository.isEmpty()) {
            return;
        }
        Map<String, Object> model = repositoryModel(page, repository.get(), "policy");
        String stored = repository.get().policy();
        model.put("stored", stored != null);
        model.put("text", text != null ? text : stored != null ? stored : "");
        model.put("error", error);
        page.render(error == null ? 200 : 400, "repository-policy", model);
    }

    private void savePolicy(ConsolePage page, String name) throws IOException {
        boolean delete = page.checked("delete");
        String text = page.text("policyText");
        EcrApi.Outcome outcome = delete
                ? actions.ecr(page, "DeleteRepositoryPolicy", JSON.createObjectBuilder().add("repositoryName", name)
                .build())
                : actions.ecr(page, "SetRepositoryPolicy", JSON.createObjectBuilder().add("repositoryName", name)
                .add("policyText", text).build());
        if (outcome.succeeded()) {
            page.redirect(link(name) + SUB_PAGE + "policy", delete ? "Deleted the repository policy."
                    : "Saved the repository policy.");
        } else {
            policy(page, name, text, message(outcome));
        }
    }

    // --- the lifecycle policy -----------------------------------------------------------------------------------

    /**
     * The lifecycle policy, and the latest preview: its status, and each image it would expire. A preview runs in
     * the background (as ECR's); the page shows it in progress until it is done.
     */
    private void lifecycle(ConsolePage page, String name, String text, String error) throws IOException {
        Optional<Repository> repository = visible(page, name, "ecr:GetLifecyclePolicy");
        if (repository.isEmpty()) {
            return;
        }
        Map<String, Object> model = repositoryModel(page, repository.get(), "lifecycle");
        String stored = repository.get().lifecyclePolicy();
        Optional<LifecyclePreviews.Preview> preview = Optional.empty();
        if (accessControl.allowed(page.caller(), "ecr:GetLifecyclePolicyPreview",
                repository.get().repositoryName(), page.origin())) {
            preview = previews.find(repository.get().repositoryName());
        }
        model.put("stored", stored != null);
        model.put("text", text != null ? text : preview.map(LifecyclePreviews.Preview::policyText)
                .filter(previewed -> page.checked("previewed")).orElse(stored != null ? stored : ""));
        model.put("evaluated", repository.get().lifecycleEvaluatedAt() == null ? null
                : Format.time(repository.get().lifecycleEvaluatedAt()));
        model.put("preview", preview.orElse(null));
        model.put("previewResults", preview.filter(p -> p.status().equals(LifecyclePreviews.COMPLETE))
                .map(p -> previews.results(repository.get().repositoryName()).stream().limit(PAGE_SIZE * 4)
                        .map(PreviewRow::of).toList()).orElse(List.of()));
        model.put("error", error);
        page.render(error == null ? 200 : 400, "repository-lifecycle", model);
    }

    /** Preview (StartLifecyclePolicyPreview), save (PutLifecyclePolicy) or delete (DeleteLifecyclePolicy). */
    private void saveLifecycle(ConsolePage page, String name) throws IOException {
        String action = page.param("action");
        String text = page.text("lifecyclePolicyText");
        JsonObjectBuilder input = JSON.createObjectBuilder().add("repositoryName", name);
        EcrApi.Outcome outcome = switch (action) {
            case "preview" -> actions.ecr(page, "StartLifecyclePolicyPreview", input
                    .add("lifecyclePolicyText", text).build());
            case "delete" -> actions.ecr(page, "DeleteLifecyclePolicy", input.build());
            default -> actions.ecr(page, "PutLifecyclePolicy", input.add("lifecyclePolicyText", text).build());
        };
        if (!outcome.succeeded()) {
            lifecycle(page, name, text, message(outcome));
            return;
        }
        String lifecycle = link(name) + SUB_PAGE + "lifecycle";
        switch (action) {
            case "preview" -> page.redirect(lifecycle + "?previewed", "Previewing the policy: the images it would"
                    + " expire are listed below. Nothing is deleted until you save it and it runs.");
            case "delete" -> page.redirect(lifecycle, "Deleted the lifecycle policy.");
            default -> page.redirect(lifecycle, "Saved the lifecycle policy.");
        }
    }

    /** An image a preview would expire, as the lifecycle page lists it. */
    public record PreviewRow(String digest, String tags, String pushed, int rule) {
        static PreviewRow of(LifecyclePreviews.Result result) {
            return new PreviewRow(result.digest(), result.tags().isEmpty() ? "untagged"
                    : String.join(", ", result.tags()), Format.time(result.pushedAt().toEpochMilli()),
                    result.rulePriority());
        }
    }

    // --- deleting it --------------------------------------------------------------------------------------------

    private void deleteForm(ConsolePage page, String name, String error) throws IOException {
        Optional<Repository> repository = visible(page, name, "ecr:DescribeRepositories");
        if (repository.isEmpty()) {
            return;
        }
        Map<String, Object> model = repositoryModel(page, repository.get(), "settings");
        model.put("images", repositories.imageCount(repository.get()));
        model.put("error", error);
        page.render(error == null ? 200 : 400, "repository-delete", model);
    }

    /** DeleteRepository, once the name has been typed again to confirm; with force, its images too. */
    private void delete(ConsolePage page, String name) throws IOException {
        if (!page.param("confirm").equals(name)) {
            deleteForm(page, name, "Type the repository's name to confirm that you mean to delete it.");
            return;
        }
        EcrApi.Outcome outcome = actions.ecr(page, "DeleteRepository", JSON.createObjectBuilder()
                .add("repositoryName", name).add("force", page.checked("force")).build());
        if (outcome.succeeded()) {
            page.redirect(LIST, "Deleted repository " + name + ".");
        } else {
            deleteForm(page, name, message(outcome));
        }
    }

    /**
     * The registry's host and port as clients name it in image references: BERTH_PUBLIC_URL's, as in ECR's
     * proxyEndpoint, else the request's.
     */
    String registry(ConsolePage page) {
        var request = page.request();
        return publicUrl.map(url -> URI.create(url).getAuthority()).orElseGet(() -> request.getServerName()
                + (request.getServerPort() == 80 || request.getServerPort() == 443 ? ""
                : ":" + request.getServerPort()));
    }
}
