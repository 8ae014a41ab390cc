package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.EncryptionType;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.InvalidTagParameterException;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotEmptyException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/** The ECR API through the AWS SDK for Java v2's EcrClient: repositories so far. */
@ExtendWith(ArquillianExtension.class)
class EcrApiIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static EcrClient ecr;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @BeforeAll
    static void client() {
        ecr = AwsApis.ecr(ADMIN.base, AwsApis.adminKey(ADMIN.base));
    }

    @AfterAll
    static void close() {
        ecr.close();
    }

    @Test
    void createDescribeAndDeleteARepositoryWithItsSettings() {
        Repository created = ecr.createRepository(r -> r.repositoryName("ecr/settings")
                .imageTagMutability(ImageTagMutability.IMMUTABLE)
                .imageScanningConfiguration(s -> s.scanOnPush(true))
                .encryptionConfiguration(e -> e.encryptionType(EncryptionType.KMS).kmsKey("alias/berth"))
                .tags(Tag.builder().key("team").value("blue").build())).repository();
        assertEquals("000000000000", created.registryId());
        assertEquals("arn:aws:ecr:us-east-1:000000000000:repository/ecr/settings", created.repositoryArn());
        assertEquals(ADMIN.base.substring("http://".length()) + "/000000000000/ecr/settings", created.repositoryUri());
        assertEquals(ImageTagMutability.IMMUTABLE, created.imageTagMutability());
        assertTrue(created.imageScanningConfiguration().scanOnPush());
        assertEquals("alias/berth", created.encryptionConfiguration().kmsKey());
        assertNotNull(created.createdAt());

        Repository described = ecr.describeRepositories(r -> r.repositoryNames("ecr/settings")).repositories().get(0);
        assertEquals(created, described);
        assertThrows(RepositoryAlreadyExistsException.class,
                () -> ecr.createRepository(r -> r.repositoryName("ecr/settings")));

        // The repository is usable on /v2 as soon as it exists: an empty tag list, then a push.
        assertEquals(200, ADMIN.get("/v2/ecr/settings/tags/list").statusCode());
        String manifest = ADMIN.imageManifest("ecr/settings", RegistryHttp.OCI_MANIFEST, "ecr layer");
        assertEquals(201, ADMIN.putManifest("ecr/settings", "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());
        assertThrows(RepositoryNotEmptyException.class,
                () -> ecr.deleteRepository(r -> r.repositoryName("ecr/settings")));
        assertEquals(200, ADMIN.get("/v2/ecr/settings/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                .statusCode(), "a refused delete changes nothing");

        Repository deleted = ecr.deleteRepository(r -> r.repositoryName("ecr/settings").force(true)).repository();
        assertEquals("ecr/settings", deleted.repositoryName());
        assertEquals(404, ADMIN.get("/v2/ecr/settings/manifests/v1").statusCode());
        assertThrows(RepositoryNotFoundException.class,
                () -> ecr.describeRepositories(r -> r.repositoryNames("ecr/settings")));
    }

    @Test
    void describeRepositoriesPagesWithTokensThatCannotBeForged() {
        for (int i = 0; i < 5; i++) {
            String name = "ecr/page-" + i;
            ecr.createRepository(r -> r.repositoryName(name));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            var page = ecr.describeRepositories(r -> r.maxResults(2).nextToken(next));
            page.repositories().forEach(repository -> seen.add(repository.repositoryName()));
            token = page.nextToken();
            pages++;
        } while (token != null);
        assertTrue(pages >= 3, "pages: " + pages);
        List<String> expected = seen.stream().sorted().toList();
        assertEquals(expected, seen, "in name order, no repeats");
        assertTrue(seen.containsAll(List.of("ecr/page-0", "ecr/page-1", "ecr/page-2", "ecr/page-3", "ecr/page-4")));
        // The SDK's paginator walks the same pages.
        assertEquals(seen, ecr.describeRepositoriesPaginator(r -> r.maxResults(2)).repositories().stream()
                .map(Repository::repositoryName).toList());

        String first = ecr.describeRepositories(r -> r.maxResults(1)).nextToken();
        String forged = first.substring(0, first.length() - 4) + (first.endsWith("AAA=") ? "BBB=" : "AAA=");
        assertThrows(InvalidParameterException.class,
                () -> ecr.describeRepositories(r -> r.maxResults(1).nextToken(forged)));
        assertThrows(InvalidParameterException.class, () -> ecr.describeRepositories(r -> r.maxResults(1001)));
    }

    @Test
    void listImagesByTagStatusAcrossPages() {
        ecr.createRepository(r -> r.repositoryName("ecr/images"));
        String first = ADMIN.imageManifest("ecr/images", RegistryHttp.OCI_MANIFEST, "image one");
        String second = ADMIN.imageManifest("ecr/images", RegistryHttp.OCI_MANIFEST, "image two");
        String third = ADMIN.imageManifest("ecr/images", RegistryHttp.OCI_MANIFEST, "image three");
        for (String tag : List.of("a", "b", "c")) {
            assertEquals(201, ADMIN.putManifest("ecr/images", tag, RegistryHttp.OCI_MANIFEST, first).statusCode());
        }
        assertEquals(201, ADMIN.putManifest("ecr/images", "d", RegistryHttp.OCI_MANIFEST, second).statusCode());
        String thirdDigest = RegistryHttp.sha256(RegistryHttp.bytes(third));
        assertEquals(201, ADMIN.putManifest("ecr/images", thirdDigest, RegistryHttp.OCI_MANIFEST, third)
                .statusCode());

        var tagged = ecr.listImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus("TAGGED")))
                .imageIds();
        assertEquals(List.of("a", "b", "c", "d"), tagged.stream().map(i -> i.imageTag()).sorted().toList());
        var untagged = ecr.listImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus("UNTAGGED")))
                .imageIds();
        assertEquals(1, untagged.size());
        assertEquals(thirdDigest, untagged.get(0).imageDigest());
        assertNull(untagged.get(0).imageTag());

        List<String> paged = new ArrayList<>();
        ecr.listImagesPaginator(r -> r.repositoryName("ecr/images").maxResults(2)).imageIds()
                .forEach(i -> paged.add(i.imageDigest() + ":" + i.imageTag()));
        assertEquals(5, paged.size(), paged.toString());
        var described = ecr.describeImagesPaginator(r -> r.repositoryName("ecr/images").maxResults(2)).imageDetails()
                .stream().map(d -> d.imageDigest()).toList();
        assertEquals(3, described.size(), "three images over two pages");
        assertEquals(described.stream().sorted().toList(), described);
        assertEquals(paged.stream().distinct().count(), paged.size());
        RepositoryNotFoundException none = assertThrows(RepositoryNotFoundException.class,
                () -> ecr.listImages(r -> r.repositoryName("ecr/none")));
        assertTrue(none.getMessage().startsWith("The repository with name 'ecr/none' does not exist in the registry"
                + " with id '000000000000'"), none.getMessage());
        assertThrows(InvalidParameterException.class,
                () -> ecr.listImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus("SOME"))));
        // ECR's API: images named by imageIds come in one answer, never in pages.
        assertThrows(InvalidParameterException.class, () -> ecr.describeImages(r -> r.repositoryName("ecr/images")
                .imageIds(i -> i.imageDigest(thirdDigest)).maxResults(2)));
    }

    @Test
    void describeGetRetagAndDeleteImages() {
        ecr.createRepository(r -> r.repositoryName("ecr/lifecycle"));
        String manifest = ADMIN.imageManifest("ecr/lifecycle", RegistryHttp.OCI_MANIFEST, "lifecycle layer");
        String digest = RegistryHttp.sha256(RegistryHttp.bytes(manifest));
        assertEquals(201, ADMIN.putManifest("ecr/lifecycle", "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());

        var details = ecr.describeImages(r -> r.repositoryName("ecr/lifecycle")).imageDetails();
        assertEquals(1, details.size());
        var image = details.get(0);
        assertEquals(digest, image.imageDigest());
        assertEquals(List.of("v1"), image.imageTags());
        assertEquals(RegistryHttp.OCI_MANIFEST, image.imageManifestMediaType());
        assertEquals("application/vnd.oci.image.config.v1+json", image.artifactMediaType());
        long config = 78; // RegistryHttp.imageManifest's config blob
        assertEquals(RegistryHttp.bytes(manifest).length + config + RegistryHttp.bytes("lifecycle layer").length,
                image.imageSizeInBytes(), "the manifest, its config and its layers");
        assertNotNull(image.imagePushedAt());

        // An index is as large as the largest image in its list, as ECR documents imageSizeInBytes.
        String larger = ADMIN.imageManifest("ecr/lifecycle", RegistryHttp.OCI_MANIFEST, "a larger layer ".repeat(50));
        assertEquals(201, ADMIN.putManifest("ecr/lifecycle", "arm64", RegistryHttp.OCI_MANIFEST, larger).statusCode());
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + Stream.of(manifest, larger).map(m -> "{\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST
                        + "\",\"digest\":\"" + RegistryHttp.sha256(RegistryHttp.bytes(m)) + "\",\"size\":"
                        + RegistryHttp.bytes(m).length + "}").collect(Collectors.joining(",")) + "]}";
        assertEquals(201, ADMIN.putManifest("ecr/lifecycle", "multi", RegistryHttp.OCI_INDEX, index).statusCode());
        var sizes = ecr.describeImages(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("multi"),
                i -> i.imageTag("arm64"))).imageDetails();
        assertEquals(sizes.get(1).imageSizeInBytes(), sizes.get(0).imageSizeInBytes());
        ecr.batchDeleteImage(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("multi"),
                i -> i.imageTag("arm64")));

        var got = ecr.batchGetImage(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("v1"),
                i -> i.imageTag("missing"), i -> i.imageDigest(digest).imageTag("missing")));
        assertEquals(manifest, got.images().get(0).imageManifest());
        assertEquals(List.of("ImageNotFound", "ImageTagDoesNotMatchDigest"),
                got.failures().stream().map(f -> f.failureCodeAsString()).toList());
        // By tag an image is converted to an accepted type (README, Formats); by digest it is what the digest names.
        assertEquals(RegistryHttp.DOCKER_MANIFEST, ecr.batchGetImage(r -> r.repositoryName("ecr/lifecycle")
                .acceptedMediaTypes(RegistryHttp.DOCKER_MANIFEST).imageIds(i -> i.imageTag("v1")))
                .images().get(0).imageManifestMediaType());
        assertEquals("UnsupportedImageType", ecr.batchGetImage(r -> r.repositoryName("ecr/lifecycle")
                .acceptedMediaTypes(RegistryHttp.DOCKER_MANIFEST).imageIds(i -> i.imageDigest(digest)))
                .failures().get(0).failureCodeAsString());

        // Retag by manifest, as `aws ecr put-image` does; the same tag again is ImageAlreadyExists.
        var put = ecr.putImage(r -> r.repositoryName("ecr/lifecycle").imageManifest(manifest).imageTag("stable"))
                .image();
        assertEquals(digest, put.imageId().imageDigest());
        assertEquals(200, ADMIN.get("/v2/ecr/lifecycle/manifests/stable").statusCode());
        assertThrows(software.amazon.awssdk.services.ecr.model.ImageAlreadyExistsException.class,
                () -> ecr.putImage(r -> r.repositoryName("ecr/lifecycle").imageManifest(manifest).imageTag("v1")));
        assertThrows(software.amazon.awssdk.services.ecr.model.LayersNotFoundException.class,
                () -> ecr.putImage(r -> r.repositoryName("ecr/lifecycle").imageTag("broken").imageManifest(
                        manifest.replace(RegistryHttp.sha256(RegistryHttp.bytes("lifecycle layer")),
                                "sha256:" + "0".repeat(64)))));

        // Removing one of two tags keeps the image; removing the last one deletes it.
        var first = ecr.batchDeleteImage(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("v1")));
        assertEquals(1, first.imageIds().size());
        assertEquals(200, ADMIN.get("/v2/ecr/lifecycle/manifests/" + digest).statusCode());
        ecr.batchDeleteImage(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("stable")));
        assertEquals(404, ADMIN.get("/v2/ecr/lifecycle/manifests/" + digest).statusCode());
        var missing = ecr.batchDeleteImage(r -> r.repositoryName("ecr/lifecycle").imageIds(i -> i.imageTag("v1")));
        assertEquals("ImageNotFound", missing.failures().get(0).failureCodeAsString());
    }

    @Test
    void immutableTagsAreRefusedOnV2AndThroughPutImage() {
        ecr.createRepository(r -> r.repositoryName("ecr/immutable")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("latest")));
        String one = ADMIN.imageManifest("ecr/immutable", RegistryHttp.OCI_MANIFEST, "immutable one");
        String two = ADMIN.imageManifest("ecr/immutable", RegistryHttp.OCI_MANIFEST, "immutable two");
        assertEquals(201, ADMIN.putManifest("ecr/immutable", "1.0", RegistryHttp.OCI_MANIFEST, one).statusCode());
        var refused = ADMIN.putManifest("ecr/immutable", "1.0", RegistryHttp.OCI_MANIFEST, two);
        assertEquals(400, refused.statusCode());
        assertEquals("TAG_INVALID", RegistryHttp.errorCode(refused));
        assertTrue(refused.body().contains("cannot be overwritten because the tag is immutable"), refused.body());
        assertEquals(201, ADMIN.putManifest("ecr/immutable", "1.0", RegistryHttp.OCI_MANIFEST, one).statusCode(),
                "the same image again is not a change");
        assertThrows(software.amazon.awssdk.services.ecr.model.ImageTagAlreadyExistsException.class,
                () -> ecr.putImage(r -> r.repositoryName("ecr/immutable").imageManifest(two).imageTag("1.0")));
        // The excluded tag moves freely.
        assertEquals(201, ADMIN.putManifest("ecr/immutable", "latest", RegistryHttp.OCI_MANIFEST, one).statusCode());
        assertEquals(201, ADMIN.putManifest("ecr/immutable", "latest", RegistryHttp.OCI_MANIFEST, two).statusCode());
        assertEquals(RegistryHttp.sha256(RegistryHttp.bytes(one)), ADMIN.get("/v2/ecr/immutable/manifests/1.0")
                .headers().firstValue("Docker-Content-Digest").orElseThrow(), "nothing changed by the refusals");
    }

    @Test
    void settingsTagsAndTheRegistryPolicyChange() {
        String arn = ecr.createRepository(r -> r.repositoryName("ecr/admin")).repository().repositoryArn();
        var mutability = ecr.putImageTagMutability(r -> r.repositoryName("ecr/admin")
                .imageTagMutability(ImageTagMutability.MUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("release-*")));
        assertEquals(ImageTagMutability.MUTABLE_WITH_EXCLUSION, mutability.imageTagMutability());
        assertTrue(ecr.putImageScanningConfiguration(r -> r.repositoryName("ecr/admin")
                .imageScanningConfiguration(c -> c.scanOnPush(true))).imageScanningConfiguration().scanOnPush());
        Repository described = ecr.describeRepositories(r -> r.repositoryNames("ecr/admin")).repositories().get(0);
        assertEquals("release-*", described.imageTagMutabilityExclusionFilters().get(0).filter());
        assertTrue(described.imageScanningConfiguration().scanOnPush());

        ecr.tagResource(r -> r.resourceArn(arn).tags(Tag.builder().key("team").value("red").build(),
                Tag.builder().key("cost").value("42").build()));
        ecr.untagResource(r -> r.resourceArn(arn).tagKeys("cost"));
        assertEquals(List.of(Tag.builder().key("team").value("red").build()),
                ecr.listTagsForResource(r -> r.resourceArn(arn)).tags());
        assertThrows(InvalidParameterException.class,
                () -> ecr.listTagsForResource(r -> r.resourceArn("arn:aws:s3:::bucket")));
        List<Tag> tooMany = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            tooMany.add(Tag.builder().key("k" + i).value("v").build());
        }
        assertThrows(software.amazon.awssdk.services.ecr.model.TooManyTagsException.class,
                () -> ecr.tagResource(r -> r.resourceArn(arn).tags(tooMany)));
        assertEquals(1, ecr.listTagsForResource(r -> r.resourceArn(arn)).tags().size(), "nothing was added");

        assertEquals("000000000000", ecr.describeRegistry(r -> { }).registryId());
        assertThrows(software.amazon.awssdk.services.ecr.model.RegistryPolicyNotFoundException.class,
                () -> ecr.getRegistryPolicy(r -> { }));
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::222222222222:root\"},\"Action\":\"ecr:ReplicateImage\"}]}";
        assertThrows(InvalidParameterException.class, () -> ecr.putRegistryPolicy(r -> r.policyText(policy)),
                "ecr:ReplicateImage is not an operation Berth knows");
        String valid = policy.replace("ecr:ReplicateImage", "ecr:BatchGetImage");
        ecr.putRegistryPolicy(r -> r.policyText(valid));
        assertEquals(valid, ecr.getRegistryPolicy(r -> { }).policyText());
        assertEquals(valid, ecr.deleteRegistryPolicy(r -> { }).policyText());
    }

    @Test
    void layersUploadInPartsAndDownloadFromASignedUrl() {
        ecr.createRepository(r -> r.repositoryName("ecr/layers"));
        byte[] layer = RegistryHttp.random(3 * 1024 * 1024 + 17, 9);
        String digest = RegistryHttp.sha256(layer);
        var initiated = ecr.initiateLayerUpload(r -> r.repositoryName("ecr/layers"));
        String id = initiated.uploadId();
        int half = layer.length / 2;
        var firstPart = ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers").uploadId(id).partFirstByte(0L)
                .partLastByte((long) half - 1).layerPartBlob(software.amazon.awssdk.core.SdkBytes.fromByteArray(
                        java.util.Arrays.copyOfRange(layer, 0, half))));
        assertEquals(half - 1, firstPart.lastByteReceived());
        assertThrows(software.amazon.awssdk.services.ecr.model.InvalidLayerPartException.class,
                () -> ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers").uploadId(id).partFirstByte(7L)
                        .partLastByte(8L).layerPartBlob(software.amazon.awssdk.core.SdkBytes.fromByteArray(
                                new byte[2]))));
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers").uploadId(id).partFirstByte((long) half)
                .partLastByte((long) layer.length - 1).layerPartBlob(software.amazon.awssdk.core.SdkBytes
                        .fromByteArray(java.util.Arrays.copyOfRange(layer, half, layer.length))));
        assertEquals(digest, ecr.completeLayerUpload(r -> r.repositoryName("ecr/layers").uploadId(id)
                .layerDigests(digest)).layerDigest());
        assertThrows(software.amazon.awssdk.services.ecr.model.UploadNotFoundException.class,
                () -> ecr.completeLayerUpload(r -> r.repositoryName("ecr/layers").uploadId(id).layerDigests(digest)));

        var availability = ecr.batchCheckLayerAvailability(r -> r.repositoryName("ecr/layers")
                .layerDigests(digest, "sha256:" + "1".repeat(64), "not-a-digest"));
        assertEquals("AVAILABLE", availability.layers().get(0).layerAvailabilityAsString());
        assertEquals(layer.length, availability.layers().get(0).layerSize());
        assertEquals("UNAVAILABLE", availability.layers().get(1).layerAvailabilityAsString());
        assertEquals("InvalidLayerDigest", availability.failures().get(0).failureCodeAsString());

        // The download URL works without credentials, for that blob only, and not once altered.
        String url = ecr.getDownloadUrlForLayer(r -> r.repositoryName("ecr/layers").layerDigest(digest))
                .downloadUrl();
        RegistryHttp anonymous = ADMIN.as(null, null);
        String path = url.substring(ADMIN.base.length());
        var download = anonymous.getBytes(path);
        assertEquals(200, download.statusCode());
        assertEquals(digest, RegistryHttp.sha256(download.body()));
        assertEquals(401, anonymous.getBytes(path.replace("X-Berth-Expires=", "X-Berth-Expires=9")).statusCode());
        assertEquals(401, anonymous.getBytes(path.replace(digest, "sha256:" + "1".repeat(64))).statusCode());

        // A wrong digest on completion stores nothing.
        String other = ecr.initiateLayerUpload(r -> r.repositoryName("ecr/layers")).uploadId();
        ecr.uploadLayerPart(r -> r.repositoryName("ecr/layers").uploadId(other).partFirstByte(0L).partLastByte(2L)
                .layerPartBlob(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[] {1, 2, 3})));
        assertThrows(software.amazon.awssdk.services.ecr.model.InvalidLayerException.class,
                () -> ecr.completeLayerUpload(r -> r.repositoryName("ecr/layers").uploadId(other)
                        .layerDigests("sha256:" + "2".repeat(64))));
        assertEquals(404, ADMIN.send("HEAD", "/v2/ecr/layers/blobs/sha256:" + "2".repeat(64), null).statusCode());
    }

    @Test
    void listImageReferrersFindsASignatureOfAnImage() {
        ecr.createRepository(r -> r.repositoryName("ecr/signed"));
        String image = ADMIN.imageManifest("ecr/signed", RegistryHttp.OCI_MANIFEST, "signed layer");
        String imageDigest = RegistryHttp.sha256(RegistryHttp.bytes(image));
        assertEquals(201, ADMIN.putManifest("ecr/signed", "v1", RegistryHttp.OCI_MANIFEST, image).statusCode());
        String empty = ADMIN.pushBlob("ecr/signed", RegistryHttp.bytes("{}"));
        String signature = ADMIN.pushBlob("ecr/signed", RegistryHttp.bytes("signature bytes"));
        String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST + "\","
                + "\"artifactType\":\"application/vnd.example.signature\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + empty + "\",\"size\":2},\"layers\":[{"
                + "\"mediaType\":\"application/vnd.example.sig\",\"digest\":\"" + signature + "\",\"size\":15}],"
                + "\"subject\":{\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST + "\",\"digest\":\"" + imageDigest
                + "\",\"size\":" + RegistryHttp.bytes(image).length + "}}";
        String artifactDigest = RegistryHttp.sha256(RegistryHttp.bytes(artifact));
        assertEquals(201, ADMIN.putManifest("ecr/signed", artifactDigest, RegistryHttp.OCI_MANIFEST, artifact)
                .statusCode());

        var referrers = ecr.listImageReferrers(r -> r.repositoryName("ecr/signed")
                .subjectId(id -> id.imageDigest(imageDigest))).referrers();
        assertEquals(1, referrers.size());
        assertEquals(artifactDigest, referrers.get(0).digest());
        assertEquals("application/vnd.example.signature", referrers.get(0).artifactType());
        assertEquals(0, ecr.listImageReferrers(r -> r.repositoryName("ecr/signed")
                .subjectId(id -> id.imageDigest(imageDigest))
                .filter(f -> f.artifactTypes("application/vnd.example.sbom"))).referrers().size());
    }

    @Test
    void lifecyclePoliciesAreValidatedBeforeTheyAreStored() {
        ecr.createRepository(r -> r.repositoryName("ecr/lifecycle-policy"));
        assertThrows(software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException.class,
                () -> ecr.getLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy")));
        String policy = "{\"rules\":[{\"rulePriority\":1,\"description\":\"Expire untagged images older than 14"
                + " days\",\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\","
                + "\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}";
        ecr.putLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy").lifecyclePolicyText(policy));
        String invalid = policy.replace("\"untagged\"", "\"tagged\"");
        InvalidParameterException refused = assertThrows(InvalidParameterException.class,
                () -> ecr.putLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy")
                        .lifecyclePolicyText(invalid)));
        assertTrue(refused.awsErrorDetails().errorMessage().contains("rule 1"), refused.getMessage());
        assertEquals(policy, ecr.getLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy"))
                .lifecyclePolicyText(), "the stored policy stays as it was");
        assertEquals(policy, ecr.deleteLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy"))
                .lifecyclePolicyText());
        assertThrows(software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException.class,
                () -> ecr.deleteLifecyclePolicy(r -> r.repositoryName("ecr/lifecycle-policy")));
    }

    @Test
    void badInputIsRefusedNamingTheMemberAndNothingIsCreated() {
        InvalidParameterException badName = assertThrows(InvalidParameterException.class,
                () -> ecr.createRepository(r -> r.repositoryName("Bad_Name")));
        assertTrue(badName.awsErrorDetails().errorMessage().contains("repositoryName"), badName.getMessage());
        InvalidParameterException badFilter = assertThrows(InvalidParameterException.class,
                () -> ecr.createRepository(r -> r.repositoryName("ecr/bad-filter")
                        .imageTagMutability(ImageTagMutability.MUTABLE)
                        .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("v*"))));
        assertTrue(badFilter.awsErrorDetails().errorMessage().contains("imageTagMutabilityExclusionFilters"));
        assertThrows(InvalidTagParameterException.class, () -> ecr.createRepository(r -> r
                .repositoryName("ecr/bad-tag").tags(Tag.builder().key("aws:reserved").value("x").build())));
        for (String name : List.of("ecr/bad-filter", "ecr/bad-tag")) {
            assertThrows(RepositoryNotFoundException.class,
                    () -> ecr.describeRepositories(r -> r.repositoryNames(name)));
        }
        Repository withExclusions = ecr.createRepository(r -> r.repositoryName("ecr/exclusions")
                .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f.filterType("WILDCARD").filter("latest"))).repository();
        assertEquals("latest", withExclusions.imageTagMutabilityExclusionFilters().get(0).filter());
        assertNull(withExclusions.encryptionConfiguration().kmsKey());
        // An operation Berth does not implement (yet) is a clear protocol error, not a 500.
        EcrException unknown = assertThrows(EcrException.class, () -> ecr.describePullThroughCacheRules(r -> { }));
        assertEquals(400, unknown.statusCode());
        assertEquals("UnknownOperationException", unknown.awsErrorDetails().errorCode());
    }
}
