package io.berth.ecr;

import static io.berth.platform.Jsonp.JSON;

import io.berth.ecr.EcrApi.Call;
import io.berth.registry.BlobInfo;
import io.berth.registry.Blobs;
import io.berth.registry.Manifests;
import io.berth.registry.Problem;
import io.berth.registry.Reference;
import io.berth.registry.Referrer;
import io.berth.registry.RegistryException;
import io.berth.registry.RepositoryName;
import io.berth.registry.UploadState;
import io.berth.registry.Uploads;
import io.berth.security.AccessControl;
import io.berth.security.DownloadUrls;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.util.Base64;
import java.util.List;

/**
 * ECR's layer data plane on the same upload and blob services as {@code /v2}: BatchCheckLayerAvailability,
 * InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload and GetDownloadUrlForLayer; and ListImageReferrers.
 */
@ApplicationScoped
public class LayerOperations {

    /** What InitiateLayerUpload suggests; parts may be up to the model's 20 MiB. */
    static final long PART_SIZE = 10 * 1024 * 1024;

    @Inject
    Blobs blobs;

    @Inject
    Uploads uploads;

    @Inject
    Manifests manifests;

    @Inject
    AccessControl accessControl;

    @Inject
    DownloadUrls downloadUrls;

    JsonObjectBuilder batchCheckLayerAvailability(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:BatchCheckLayerAvailability", repository, call.origin());
        JsonArrayBuilder layers = JSON.createArrayBuilder();
        JsonArrayBuilder failures = JSON.createArrayBuilder();
        for (JsonString value : call.input().getJsonArray("layerDigests").getValuesAs(JsonString.class)) {
            String text = value.getString();
            if (text.isEmpty()) {
                failures.add(layerFailure(text, "MissingLayerDigest", "The layer digest is missing"));
                continue;
            }
            Digest digest;
            try {
                digest = Reference.parseDigest(text);
            } catch (RegistryException e) {
                failures.add(layerFailure(text, "InvalidLayerDigest", "The layer digest is not valid"));
                continue;
            }
            JsonObjectBuilder layer = JSON.createObjectBuilder().add("layerDigest", text);
            try {
                BlobInfo blob = blobs.stat(repository, digest);
                layers.add(layer.add("layerAvailability", "AVAILABLE").add("layerSize", blob.size()));
            } catch (RegistryException e) {
                if (e.problem() == Problem.NAME_UNKNOWN) {
                    throw e;
                }
                layers.add(layer.add("layerAvailability", "UNAVAILABLE"));
            }
        }
        return JSON.createObjectBuilder().add("layers", layers).add("failures", failures);
    }

    JsonObjectBuilder initiateLayerUpload(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:InitiateLayerUpload", repository, call.origin());
        UploadState upload = uploads.start(repository, call.caller().getName());
        return JSON.createObjectBuilder().add("uploadId", upload.id()).add("partSize", PART_SIZE);
    }

    JsonObjectBuilder uploadLayerPart(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:UploadLayerPart", repository, call.origin());
        String uploadId = call.required("uploadId");
        // Required non-negative longs and base64 text: the model says so, and was checked.
        long first = call.input().getJsonNumber("partFirstByte").longValue();
        long last = call.input().getJsonNumber("partLastByte").longValue();
        byte[] part = Base64.getDecoder().decode(call.input().getString("layerPartBlob"));
        if (last < first || last - first + 1 != part.length) {
            throw new EcrException("InvalidLayerPartException", "The part's first and last byte (" + first + ", "
                    + last + ") do not match its " + part.length + " bytes");
        }
        try {
            UploadState upload = uploads.append(repository, uploadId, first, new ByteArrayInputStream(part));
            return EcrApi.repositoryIdentity(repository).add("uploadId", uploadId).add("lastByteReceived", upload.size() - 1);
        } catch (RegistryException e) {
            throw switch (e.problem()) {
                case BLOB_UPLOAD_UNKNOWN -> uploadNotFound(uploadId);
                case UPLOAD_OUT_OF_ORDER, BLOB_UPLOAD_INVALID -> new EcrException("InvalidLayerPartException",
                        "The part does not continue the upload where it ends: " + e.getMessage());
                default -> e;
            };
        }
    }

    JsonObjectBuilder completeLayerUpload(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:CompleteLayerUpload", repository, call.origin());
        String uploadId = call.required("uploadId");
        JsonArray digests = call.input().getJsonArray("layerDigests");
        if (digests.size() != 1) {
            throw RepositoryInput.invalid("layerDigests", "one layer digest per upload");
        }
        JsonString text = digests.getJsonString(0);
        Digest digest;
        try {
            digest = Reference.parseDigest(text.getString());
        } catch (RegistryException e) {
            throw new EcrException("InvalidLayerException", "The layer digest is not valid: " + text.getString());
        }
        try {
            UploadState state = uploads.status(repository, uploadId);
            if (state.size() == 0) {
                throw new EcrException("EmptyUploadException", "The upload " + uploadId + " has no layer parts");
            }
            blobs.stat(repository, digest);
            uploads.cancel(repository, uploadId);
            throw new EcrException("LayerAlreadyExistsException", "The layer " + digest
                    + " already exists in the repository");
        } catch (RegistryException notYetThere) {
            if (notYetThere.problem() == Problem.BLOB_UPLOAD_UNKNOWN) {
                throw uploadNotFound(uploadId);
            }
            if (notYetThere.problem() != Problem.BLOB_UNKNOWN) {
                throw notYetThere;
            }
        }
        try {
            BlobInfo blob = uploads.complete(repository, uploadId, digest, null, InputStream.nullInputStream(),
                    call.caller().getName());
            return EcrApi.repositoryIdentity(repository).add("uploadId", uploadId).add("layerDigest", blob.digest().toString());
        } catch (RegistryException e) {
            throw switch (e.problem()) {
                case DIGEST_INVALID -> new EcrException("InvalidLayerException",
                        "The uploaded bytes do not have the digest " + digest);
                case BLOB_UPLOAD_UNKNOWN -> uploadNotFound(uploadId);
                default -> e;
            };
        }
    }

    JsonObjectBuilder getDownloadUrlForLayer(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:GetDownloadUrlForLayer", repository, call.origin());
        String text = call.required("layerDigest");
        Digest digest;
        try {
            digest = Reference.parseDigest(text);
        } catch (RegistryException e) {
            throw RepositoryInput.invalid("layerDigest", "Member must be a digest");
        }
        try {
            blobs.stat(repository, digest);
        } catch (RegistryException e) {
            if (e.problem() == Problem.NAME_UNKNOWN) {
                throw e;
            }
            throw new EcrException("LayersNotFoundException", "The layer " + digest
                    + " does not exist in the repository");
        }
        String path = "/v2/" + repository + "/blobs/" + digest;
        return JSON.createObjectBuilder()
                .add("downloadUrl", call.proxyEndpoint() + path + "?" + downloadUrls.sign(call.caller(), path))
                .add("layerDigest", digest.toString());
    }

    JsonObjectBuilder listImageReferrers(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:ListImageReferrers", repository, call.origin());
        String digest = call.input().getJsonObject("subjectId").getString("imageDigest");
        JsonObject filter = call.input().getJsonObject("filter");
        List<String> types = filter == null || !filter.containsKey("artifactTypes") ? null
                : filter.getJsonArray("artifactTypes").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
        JsonArrayBuilder referrers = JSON.createArrayBuilder();
        for (Referrer referrer : manifests.referrers(repository, Reference.parseDigest(digest), null)) {
            if (types != null && !types.contains(referrer.artifactType())) {
                continue;
            }
            JsonObjectBuilder out = JSON.createObjectBuilder().add("digest", referrer.digest())
                    .add("mediaType", referrer.mediaType()).add("size", referrer.size())
                    .add("artifactStatus", "ACTIVE");
            if (referrer.artifactType() != null) {
                out.add("artifactType", referrer.artifactType());
            }
            if (referrer.annotationsJson() != null) {
                try (JsonReader reader = JSON.createReader(new StringReader(referrer.annotationsJson()))) {
                    out.add("annotations", reader.readObject());
                }
            }
            referrers.add(out);
        }
        return JSON.createObjectBuilder().add("referrers", referrers);
    }

    private static EcrException uploadNotFound(String uploadId) {
        return new EcrException("UploadNotFoundException", "The upload " + uploadId + " does not exist");
    }

    private static JsonObjectBuilder layerFailure(String digest, String code, String reason) {
        return JSON.createObjectBuilder().add("layerDigest", digest).add("failureCode", code)
                .add("failureReason", reason);
    }
}
