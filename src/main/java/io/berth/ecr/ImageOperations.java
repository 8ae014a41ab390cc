package io.berth.ecr;

import static io.berth.platform.Jsonp.JSON;

import io.berth.ecr.EcrApi.Call;
import io.berth.registry.AcceptedTypes;
import io.berth.registry.ImageListing;
import io.berth.registry.ImageListing.ImageDetails;
import io.berth.registry.ManifestConversions;
import io.berth.registry.ManifestParser;
import io.berth.registry.Manifests;
import io.berth.registry.Problem;
import io.berth.registry.RegistryException;
import io.berth.registry.RepositoryName;
import io.berth.registry.StoredManifest;
import io.berth.security.AccessControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * ECR's image operations, on the same domain services as {@code /v2}: DescribeImages, BatchGetImage,
 * BatchDeleteImage and PutImage.
 */
@ApplicationScoped
public class ImageOperations {

    @Inject
    ImageListing images;

    @Inject
    Manifests manifests;

    @Inject
    ManifestConversions conversions;

    @Inject
    AccessControl accessControl;

    @Inject
    PageTokens pageTokens;

    /** An image id from a request: digest, tag, or both. */
    record ImageId(String digest, String tag) {
        JsonObjectBuilder json() {
            JsonObjectBuilder id = JSON.createObjectBuilder();
            if (digest != null) {
                id.add("imageDigest", digest);
            }
            if (tag != null) {
                id.add("imageTag", tag);
            }
            return id;
        }
    }

    JsonObjectBuilder describeImages(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:DescribeImages", repository, call.origin());
        JsonArrayBuilder details = JSON.createArrayBuilder();
        JsonObjectBuilder output = JSON.createObjectBuilder();
        if (call.input().containsKey("imageIds")) {
            if (call.input().containsKey("maxResults") || call.input().containsKey("nextToken")) {
                // ECR's API: maxResults and nextToken "can't be used when you specify images with imageIds".
                throw RepositoryInput.invalid("maxResults", "cannot be used with imageIds");
            }
            for (ImageId id : imageIds(call.input())) {
                try {
                    details.add(describe(repository, images.find(repository, id.digest(), id.tag())));
                } catch (RegistryException e) {
                    if (e.problem() == Problem.NAME_UNKNOWN) {
                        throw e;
                    }
                    throw new EcrException("ImageNotFoundException", "The image with imageId "
                            + id.json().build() + " does not exist within the repository with name '"
                            + repository.name() + "'");
                }
            }
            return output.add("imageDetails", details);
        }
        ImageListing.TagStatus status = tagStatus(call.input());
        int limit = RepositoryInput.maxResults(call.input(), 1000);
        String scope = repository + "/" + status;
        int offset = pageTokens.readOffset(call.string("nextToken"), "DescribeImages", scope);
        List<ImageDetails> page = images.describe(repository, status, offset, limit + 1);
        page.subList(0, Math.min(limit, page.size())).forEach(image -> details.add(describe(repository, image)));
        if (page.size() > limit) {
            output.add("nextToken", pageTokens.write("DescribeImages", scope, offset + limit));
        }
        return output.add("imageDetails", details);
    }

    private static JsonObjectBuilder describe(RepositoryName repository, ImageDetails image) {
        JsonArrayBuilder tags = JSON.createArrayBuilder();
        image.tags().forEach(tags::add);
        JsonObjectBuilder out = EcrApi.repositoryIdentity(repository)
                .add("imageDigest", image.digest())
                .add("imageSizeInBytes", image.size())
                .add("imagePushedAt", EcrApi.epochSeconds(image.pushedAt()))
                .add("imageManifestMediaType", image.mediaType());
        if (!image.tags().isEmpty()) {
            out.add("imageTags", tags);
        }
        if (image.artifactMediaType() != null) {
            out.add("artifactMediaType", image.artifactMediaType());
        }
        if (image.lastPulledAt() != null) {
            out.add("lastRecordedPullTime", EcrApi.epochSeconds(image.lastPulledAt()));
        }
        return out;
    }

    JsonObjectBuilder batchGetImage(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:BatchGetImage", repository, call.origin());
        List<String> acceptedTypes = strings(call.input(), "acceptedMediaTypes");
        AcceptedTypes accepted = acceptedTypes == null ? null : AcceptedTypes.parse(acceptedTypes);
        JsonArrayBuilder found = JSON.createArrayBuilder();
        JsonArrayBuilder failures = JSON.createArrayBuilder();
        for (ImageId id : imageIds(call.input())) {
            try {
                ImageDetails image = images.find(repository, id.digest(), id.tag());
                StoredManifest manifest = new StoredManifest(image.digest(), image.mediaType(), image.manifest(),
                        null);
                if (accepted != null && id.digest() == null) {
                    // By tag alone, as on /v2: converted to an accepted format where the image can be said in it.
                    try {
                        manifest = conversions.forClient(repository, id.tag(), manifest, accepted);
                    } catch (RegistryException cannotBeConverted) {
                        failures.add(failure(id, "UnsupportedImageType", cannotBeConverted.getMessage()));
                        continue;
                    }
                }
                if (accepted != null && !accepted.accepts(manifest.mediaType())) {
                    failures.add(failure(id, "UnsupportedImageType", "The image's media type "
                            + image.mediaType() + " is not one of the accepted media types"));
                    continue;
                }
                found.add(EcrApi.repositoryIdentity(repository)
                        .add("imageId", new ImageId(manifest.digest(), id.tag()).json())
                        .add("imageManifest", new String(manifest.content(), StandardCharsets.UTF_8))
                        .add("imageManifestMediaType", manifest.mediaType()));
            } catch (RegistryException e) {
                failures.add(failure(id, e));
            }
        }
        return JSON.createObjectBuilder().add("images", found).add("failures", failures);
    }

    JsonObjectBuilder batchDeleteImage(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:BatchDeleteImage", repository, call.origin());
        JsonArrayBuilder deleted = JSON.createArrayBuilder();
        JsonArrayBuilder failures = JSON.createArrayBuilder();
        String actor = call.caller().getName();
        for (ImageId id : imageIds(call.input())) {
            try {
                String digest = manifests.deleteImageId(repository, id.digest(), id.tag(), actor);
                deleted.add(new ImageId(digest, id.tag()).json());
            } catch (RegistryException e) {
                if (e.problem() == Problem.NAME_UNKNOWN) {
                    throw e;
                }
                failures.add(failure(id, e));
            }
        }
        return JSON.createObjectBuilder().add("imageIds", deleted).add("failures", failures);
    }

    JsonObjectBuilder putImage(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:PutImage", repository, call.origin());
        String manifest = call.required("imageManifest");
        String tag = call.string("imageTag");
        String digest = call.string("imageDigest");
        String mediaType = call.string("imageManifestMediaType");
        byte[] content = manifest.getBytes(StandardCharsets.UTF_8);
        String contentDigest;
        try {
            contentDigest = ManifestParser.parse(content, mediaType).digest("sha256").toString();
        } catch (RegistryException e) {
            throw RepositoryInput.invalid("imageManifest", e.getMessage());
        }
        if (digest != null && !digest.equals(contentDigest)) {
            throw RepositoryInput.invalid("imageDigest", "the digest does not match the manifest");
        }
        try {
            StoredManifest stored = manifests.putImage(repository, tag, mediaType, content, call.caller().getName());
            mediaType = stored.mediaType();
        } catch (RegistryException e) {
            throw switch (e.problem()) {
                case IMAGE_ALREADY_EXISTS -> new EcrException("ImageAlreadyExistsException", e.getMessage());
                case TAG_IMMUTABLE -> new EcrException("ImageTagAlreadyExistsException", e.getMessage());
                case MANIFEST_BLOB_UNKNOWN -> new EcrException("LayersNotFoundException",
                        "The image references layers or manifests that are not in the repository: " + e.detail());
                case NAME_UNKNOWN -> e;
                // The tag is what is wrong, not the manifest (ECR's model allows any text of 1 to 300 characters).
                case TAG_INVALID -> RepositoryInput.invalid("imageTag", "must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
                default -> RepositoryInput.invalid("imageManifest", e.getMessage());
            };
        }
        return JSON.createObjectBuilder().add("image", EcrApi.repositoryIdentity(repository)
                .add("imageId", new ImageId(contentDigest, tag).json())
                .add("imageManifest", manifest)
                .add("imageManifestMediaType", mediaType));
    }

    /** The {@code imageIds} member: 1 to 100 of them, each with an optional digest and tag (the model says so). */
    static List<ImageId> imageIds(JsonObject input) {
        return input.getJsonArray("imageIds").getValuesAs(JsonObject.class).stream()
                .map(id -> new ImageId(id.getString("imageDigest", null), id.getString("imageTag", null))).toList();
    }

    private static List<String> strings(JsonObject input, String member) {
        JsonArray list = input.getJsonArray(member);
        return list == null ? null : list.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /** The filter's tag status (an enum of the model: TAGGED, UNTAGGED or ANY); ANY without one. */
    static ImageListing.TagStatus tagStatus(JsonObject input) {
        JsonObject filter = input.getJsonObject("filter");
        return filter == null || !filter.containsKey("tagStatus") ? ImageListing.TagStatus.ANY
                : ImageListing.TagStatus.valueOf(filter.getString("tagStatus"));
    }

    private static JsonObjectBuilder failure(ImageId id, RegistryException e) {
        String code = switch (e.problem()) {
            case DIGEST_INVALID -> "InvalidImageDigest";
            case TAG_INVALID -> "InvalidImageTag";
            case TAG_DIGEST_MISMATCH -> "ImageTagDoesNotMatchDigest";
            default -> id.digest() == null && id.tag() == null ? "MissingDigestAndTag" : "ImageNotFound";
        };
        return failure(id, code, code.equals("ImageNotFound") ? "Requested image not found" : e.getMessage());
    }

    private static JsonObjectBuilder failure(ImageId id, String code, String reason) {
        return JSON.createObjectBuilder().add("imageId", id.json()).add("failureCode", code)
                .add("failureReason", reason);
    }
}
