package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
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
        ecr = AwsApis.ecr(ADMIN.base, AwsApis.createKey(ADMIN.base, "admin", RegistryHttp.ADMIN_PASSWORD));
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
        assertEquals(paged.stream().distinct().count(), paged.size());
        assertThrows(RepositoryNotFoundException.class, () -> ecr.listImages(r -> r.repositoryName("ecr/none")));
        assertThrows(InvalidParameterException.class,
                () -> ecr.listImages(r -> r.repositoryName("ecr/images").filter(f -> f.tagStatus("SOME"))));
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
