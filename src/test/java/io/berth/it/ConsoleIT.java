package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The web console in a real browser: Debian's chromium, headless, driven through its chromedriver. Signs in, sees
 * what skopeo pushed, and tries what an attacker would (markup in recorded values, forms from elsewhere). Saves
 * screenshots, desktop and narrow, into {@code docs/console/} for the README.
 */
@ExtendWith(ArquillianExtension.class)
class ConsoleIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String BASE = ADMIN.base;
    private static final String HOST = URI.create(BASE).getAuthority();

    private static ConsoleBrowser console;
    private static ChromeDriver browser;

    @TempDir
    static Path work;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @BeforeAll
    static void startBrowser() {
        console = ConsoleBrowser.start(BASE);
        browser = console.driver();
    }

    @AfterAll
    static void stopBrowser() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void signInOutAndTheSessionCookie() {
        browser.get(BASE + "/console/sign-in");
        browser.manage().deleteAllCookies();
        browser.get(BASE + "/console");
        assertEquals(BASE + "/console/sign-in", browser.getCurrentUrl(), "a visitor is sent to the sign-in form");

        console.signIn("admin", "not-the-password");
        assertEquals("Invalid user name or password.", browser.findElement(By.cssSelector("p.failure")).getText());
        assertEquals("admin", browser.findElement(By.id("username")).getAttribute("value"));

        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        assertEquals(BASE + "/console", browser.getCurrentUrl());
        assertEquals("Dashboard", browser.findElement(By.tagName("h1")).getText());
        Cookie session = browser.manage().getCookieNamed("BERTH_CONSOLE");
        assertNotNull(session);
        assertTrue(session.isHttpOnly());
        assertEquals("Strict", session.getSameSite());
        assertEquals("/console", session.getPath());

        WebElement signOut = browser.findElement(By.cssSelector("form.sign-out button"));
        signOut.click();
        console.waitForNextPage(signOut);
        assertEquals(BASE + "/console/sign-in", browser.getCurrentUrl());
        browser.get(BASE + "/console/repositories");
        assertEquals(BASE + "/console/sign-in", browser.getCurrentUrl(), "signed out means signed out");
    }

    @Test
    void aRepositoryCreatedInTheConsoleReceivesASkopeoPushAndIsDeletedWithConfirmation() throws IOException {
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        browser.get(BASE + "/console/repositories");
        browser.findElement(By.id("create-repository")).click();
        browser.findElement(By.id("name")).sendKeys("console-skopeo/app");
        browser.findElement(By.id("immutable")).click();
        browser.findElement(By.id("exclusions")).sendKeys("latest");
        browser.findElement(By.id("scan-on-push")).click();
        browser.findElement(By.id("tags")).sendKeys("team=console\ncost-centre=42");
        console.submit(By.id("create"));
        assertEquals(BASE + "/console/repositories/console-skopeo/app", browser.getCurrentUrl());
        assertEquals("Created repository console-skopeo/app.", browser.findElement(By.id("flash")).getText());
        EcrClient ecr = AwsApis.ecr(BASE, AwsApis.adminKey(BASE));
        Repository created = ecr.describeRepositories(r -> r.repositoryNames("console-skopeo/app")).repositories()
                .get(0);
        assertEquals("IMMUTABLE_WITH_EXCLUSION", created.imageTagMutabilityAsString());
        assertEquals("latest", created.imageTagMutabilityExclusionFilters().get(0).filter());
        assertTrue(created.imageScanningConfiguration().scanOnPush());
        assertEquals(List.of("cost-centre=42", "team=console"), ecr.listTagsForResource(r -> r.resourceArn(
                created.repositoryArn())).tags().stream().map(t -> t.key() + "=" + t.value()).sorted().toList());

        // The same name again: ECR's error, on the form, with what was typed kept.
        browser.get(BASE + "/console/new-repository");
        browser.findElement(By.id("name")).sendKeys("console-skopeo/app");
        console.submit(By.id("create"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("RepositoryAlreadyExistsException"));
        assertEquals("console-skopeo/app", browser.findElement(By.id("name")).getAttribute("value"));

        Path layout = work.resolve("console-oci");
        OciLayout oci = new OciLayout(layout);
        oci.index("v1", oci.image("console layer " + UUID.randomUUID(), "another layer"));
        Path digestFile = work.resolve("console-oci.digest");
        Command.run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds",
                "admin:" + RegistryHttp.ADMIN_PASSWORD, "--digestfile", digestFile.toString(), "oci:" + layout + ":v1",
                "docker://" + HOST + "/console-skopeo/app:v1");
        String digest = Files.readString(digestFile).trim();

        browser.get(BASE + "/console");
        assertTrue(Long.parseLong(browser.findElement(By.id("repository-count")).getText()) >= 1);
        assertTrue(Long.parseLong(browser.findElement(By.id("image-count")).getText()) >= 1);
        console.screenshots("dashboard");

        browser.get(BASE + "/console/repositories");
        WebElement search = browser.findElement(By.id("prefix"));
        search.sendKeys("console-skopeo/");
        search.submit();
        console.waitForNextPage(search);
        List<String> names = browser.findElements(By.cssSelector("#repositories td.name")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("console-skopeo/app"), names);
        assertEquals("podman pull " + HOST + "/console-skopeo/app:latest",
                browser.findElement(By.id("pull-0")).getText());
        console.screenshots("repositories");

        browser.findElement(By.linkText("console-skopeo/app")).click();
        assertEquals("console-skopeo/app", browser.findElement(By.tagName("h1")).getText());
        assertEquals("v1", browser.findElement(By.cssSelector("#images td.tags")).getText());
        assertEquals(digest, browser.findElement(By.cssSelector("#images code[title]")).getAttribute("title"));
        // The image's size as ECR counts it (config and layers), in binary units.
        long size = ecr.describeImages(r -> r.repositoryName("console-skopeo/app")).imageDetails().get(0)
                .imageSizeInBytes();
        assertEquals(size < 1024 ? size + " B" : String.format(java.util.Locale.ROOT, "%.1f KiB", size / 1024.0),
                browser.findElement(By.cssSelector("#images td.size")).getText());
        assertEquals("podman pull " + HOST + "/console-skopeo/app:v1", browser.findElement(By.id("pull-0")).getText());
        assertEquals("docker pull " + HOST + "/console-skopeo/app:v1", browser.findElement(By.id("docker-0")).getText());
        console.screenshots("repository");

        browser.get(BASE + "/console/repositories?prefix=no-such-prefix");
        assertTrue(browser.findElement(By.id("no-repositories")).isDisplayed());

        // Deleting: the name typed again; a repository with images only with force.
        browser.get(BASE + "/console/repositories/console-skopeo/app/_/delete");
        browser.findElement(By.id("confirm")).sendKeys("console-skopeo/other");
        console.submit(By.id("delete"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("Type the repository's name"));
        browser.findElement(By.id("confirm")).sendKeys("console-skopeo/app");
        console.submit(By.id("delete"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("RepositoryNotEmptyException"));
        browser.findElement(By.id("confirm")).sendKeys("console-skopeo/app");
        browser.findElement(By.id("force")).click();
        console.submit(By.id("delete"));
        assertEquals("Deleted repository console-skopeo/app.", browser.findElement(By.id("flash")).getText());
        assertTrue(ecr.describeRepositories().repositories().stream()
                .noneMatch(r -> r.repositoryName().equals("console-skopeo/app")));
    }

    @Test
    void settingsPolicyAndDeletingATag() {
        ADMIN.putManifest("console/settings", "v1", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/settings", RegistryHttp.OCI_MANIFEST, "settings one"));
        ADMIN.putManifest("console/settings", "v2", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/settings", RegistryHttp.OCI_MANIFEST, "settings two"));
        EcrClient ecr = AwsApis.ecr(BASE, AwsApis.adminKey(BASE));
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);

        browser.get(BASE + "/console/repositories/console/settings/_/settings");
        browser.findElement(By.id("immutable")).click();
        console.submit(By.id("save-mutability"));
        assertEquals("Saved the tag mutability.", browser.findElement(By.id("flash")).getText());
        browser.findElement(By.id("tag-key")).sendKeys("owner");
        browser.findElement(By.id("tag-value")).sendKeys("<b>console</b>");
        console.submit(By.id("add-tag"));
        assertEquals("<b>console</b>", browser.findElement(By.cssSelector("#resource-tags td:nth-child(2)"))
                .getText());
        assertEquals("IMMUTABLE", ecr.describeRepositories(r -> r.repositoryNames("console/settings"))
                .repositories().get(0).imageTagMutabilityAsString());

        // A policy the engine refuses: its message beside the text, the text kept, nothing stored.
        browser.get(BASE + "/console/repositories/console/settings/_/policy");
        String invalid = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                + "\"ecr:BatchGetImage\"}]}";
        browser.findElement(By.id("policy-text")).sendKeys(invalid);
        console.submit(By.id("save-policy"));
        assertTrue(browser.findElement(By.id("policy-error")).getText().startsWith("InvalidParameterException"),
                browser.findElement(By.id("policy-error")).getText());
        assertEquals(invalid, browser.findElement(By.id("policy-text")).getAttribute("value"));
        assertTrue(ecr.describeRepositories(r -> r.repositoryNames("console/settings")).hasRepositories());
        String valid = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"ecr:BatchGetImage\"}]}";
        browser.findElement(By.id("policy-text")).clear();
        browser.findElement(By.id("policy-text")).sendKeys(valid);
        console.submit(By.id("save-policy"));
        assertEquals("Saved the repository policy.", browser.findElement(By.id("flash")).getText());
        assertEquals(valid, ecr.getRepositoryPolicy(r -> r.repositoryName("console/settings")).policyText());

        // Deleting one tag (the confirmation dialog accepted), then the other image whole.
        browser.get(BASE + "/console/repositories/console/settings");
        WebElement choice = browser.findElement(By.cssSelector("#images select"));
        String tag = new org.openqa.selenium.support.ui.Select(choice).getFirstSelectedOption().getAttribute("value");
        WebElement delete = browser.findElement(By.cssSelector("#images button.danger"));
        delete.click();
        browser.switchTo().alert().accept();
        console.waitForNextPage(delete);
        assertEquals("Deleted tag " + tag + ".", browser.findElement(By.id("flash")).getText());
        assertEquals(1, ecr.listImages(r -> r.repositoryName("console/settings")).imageIds().size());
    }

    @Test
    void anIndexShowsItsPlatformsAndReferrersAndWhoPushedIt() throws IOException {
        String repository = "console/multi";
        String amd = ADMIN.imageManifest(repository, RegistryHttp.OCI_MANIFEST, "amd64 layer");
        String arm = ADMIN.imageManifest(repository, RegistryHttp.OCI_MANIFEST, "arm64 layer");
        assertEquals(201, ADMIN.putManifest(repository, RegistryHttp.sha256(RegistryHttp.bytes(amd)),
                RegistryHttp.OCI_MANIFEST, amd).statusCode());
        assertEquals(201, ADMIN.putManifest(repository, RegistryHttp.sha256(RegistryHttp.bytes(arm)),
                RegistryHttp.OCI_MANIFEST, arm).statusCode());
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + child(amd, "amd64", null) + "," + child(arm, "arm64", "v8") + "]}";
        assertEquals(201, ADMIN.putManifest(repository, "multi", RegistryHttp.OCI_INDEX, index).statusCode());
        String indexDigest = RegistryHttp.sha256(RegistryHttp.bytes(index));
        String empty = ADMIN.pushBlob(repository, RegistryHttp.bytes("{}"));
        String signatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";
        String signature = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST + "\",\"artifactType\":\""
                + signatureType + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
                + empty + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                + "\"digest\":\"" + empty + "\",\"size\":2}],\"subject\":{\"mediaType\":\"" + RegistryHttp.OCI_INDEX
                + "\",\"digest\":\"" + indexDigest + "\",\"size\":" + RegistryHttp.bytes(index).length + "}}";
        assertEquals(201, ADMIN.putManifest(repository, RegistryHttp.sha256(RegistryHttp.bytes(signature)),
                RegistryHttp.OCI_MANIFEST, signature).statusCode());

        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        browser.get(BASE + "/console/repositories/" + repository);
        WebElement row = browser.findElement(By.xpath("//table[@id='images']//td[@class='tags'][text()='multi']/.."));
        assertEquals(List.of("linux/amd64", "linux/arm64/v8"), row.findElements(By.cssSelector(".platforms li"))
                .stream().map(WebElement::getText).toList());
        assertTrue(row.findElement(By.cssSelector(".referrers li")).getText().startsWith(signatureType));
        assertTrue(row.findElement(By.cssSelector(".pushed-by")).getText().contains("admin"));
        console.screenshots("repository-index");
    }

    private static String child(String manifest, String architecture, String variant) {
        return "{\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST + "\",\"digest\":\""
                + RegistryHttp.sha256(RegistryHttp.bytes(manifest)) + "\",\"size\":" + RegistryHttp.bytes(manifest).length
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + architecture + "\""
                + (variant == null ? "" : ",\"variant\":\"" + variant + "\"") + "}}";
    }

    @Test
    void aLifecyclePolicyIsPreviewedThenSaved() throws InterruptedException, IOException {
        for (int i = 1; i <= 3; i++) {
            ADMIN.putManifest("console/lifecycle", "dev-" + i, RegistryHttp.OCI_MANIFEST,
                    ADMIN.imageManifest("console/lifecycle", RegistryHttp.OCI_MANIFEST, "lifecycle " + i));
        }
        String policy = "{\"rules\":[{\"rulePriority\":1,\"description\":\"keep the newest dev image\","
                + "\"selection\":{\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"dev-\"],"
                + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1},\"action\":{\"type\":\"expire\"}}]}";
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        browser.get(BASE + "/console/repositories/console/lifecycle/_/lifecycle");
        assertTrue(browser.findElement(By.id("no-lifecycle")).isDisplayed());
        browser.findElement(By.id("lifecycle-text")).sendKeys(policy);
        console.submit(By.id("preview"));
        assertTrue(browser.findElement(By.id("flash")).getText().startsWith("Previewing the policy"));
        // The preview runs in the background, as ECR's: reload until it is done.
        long until = System.currentTimeMillis() + 20_000;
        while (browser.findElements(By.id("preview-results")).isEmpty() && System.currentTimeMillis() < until) {
            Thread.sleep(300);
            browser.navigate().refresh();
        }
        assertEquals("It would expire 2 images:", browser.findElement(By.id("preview-status")).getText());
        List<String> expiring = browser.findElements(By.cssSelector("#preview-results tr td:first-child")).stream()
                .map(WebElement::getText).sorted().toList();
        assertEquals(List.of("dev-1", "dev-2"), expiring);
        assertEquals(policy, browser.findElement(By.id("lifecycle-text")).getAttribute("value"),
                "the text previewed stays in the editor, to be saved");
        EcrClient ecr = AwsApis.ecr(BASE, AwsApis.adminKey(BASE));
        assertEquals(3, ecr.listImages(r -> r.repositoryName("console/lifecycle")).imageIds().size(),
                "a preview deletes nothing");
        console.screenshots("lifecycle");
        console.submit(By.id("save-lifecycle"));
        assertEquals("Saved the lifecycle policy.", browser.findElement(By.id("flash")).getText());
        assertEquals(policy, ecr.getLifecyclePolicy(r -> r.repositoryName("console/lifecycle")).lifecyclePolicyText());

        // A policy that is not one: the engine's message beside it, the stored one unchanged.
        browser.findElement(By.id("lifecycle-text")).clear();
        browser.findElement(By.id("lifecycle-text")).sendKeys("{\"rules\":[]}" + " ".repeat(100));
        console.submit(By.id("save-lifecycle"));
        assertTrue(browser.findElement(By.id("lifecycle-error")).getText().contains("InvalidParameterException"));
        assertEquals(policy, ecr.getLifecyclePolicy(r -> r.repositoryName("console/lifecycle")).lifecyclePolicyText());
    }

    @Test
    void theAuditTrailIsSearchedWithLookupEventsFiltersAndVerified() throws InterruptedException, IOException {
        EcrClient ecr = AwsApis.ecr(BASE, AwsApis.adminKey(BASE));
        ecr.createRepository(r -> r.repositoryName("console/audited"));
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        browser.get(BASE + "/console/audit?attribute=ReadOnly&value=maybe");
        assertEquals("The value of the ReadOnly attribute is true or false.",
                browser.findElement(By.id("form-error")).getText());

        browser.get(BASE + "/console/audit");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("attribute")))
                .selectByValue("ResourceName");
        browser.findElement(By.id("value")).sendKeys("console/audited");
        // The trail is written twice a second: search until the call is in it.
        long until = System.currentTimeMillis() + 10_000;
        do {
            console.submit(By.id("search"));
        } while (browser.findElements(By.id("records")).isEmpty() && System.currentTimeMillis() < until
                && sleep(300));
        List<String> events = browser.findElements(By.cssSelector("#records summary")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("CreateRepository"), events);
        assertEquals("admin", browser.findElement(By.cssSelector("#records td:nth-child(3)")).getText());
        browser.findElement(By.cssSelector("#records summary")).click();
        assertTrue(browser.findElement(By.cssSelector("#records pre")).getText().contains("ecr.amazonaws.com"));
        console.screenshots("audit");

        console.submit(By.id("verify"));
        assertTrue(browser.findElement(By.id("verification")).getText().startsWith("The trail is intact"),
                browser.findElement(By.id("verification")).getText());
    }

    @Test
    void usageWebhooksAndCollection() throws Exception {
        ADMIN.putManifest("console/usage", "v1", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/usage", RegistryHttp.OCI_MANIFEST, "usage"));
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        // Pushes are counted from the outbox, within a second or so.
        long until = System.currentTimeMillis() + 10_000;
        String pushes = "//table[@id='usage']//a[text()='console/usage']/../../td[@class='pushes'][text()='1']";
        do {
            browser.get(BASE + "/console/usage");
        } while (browser.findElements(By.xpath(pushes)).isEmpty() && System.currentTimeMillis() < until
                && sleep(300));
        WebElement row = browser.findElement(By.xpath("//table[@id='usage']//a[text()='console/usage']/../.."));
        assertEquals("1", row.findElement(By.cssSelector("td.pushes")).getText());
        console.screenshots("usage");
        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                browser.findElement(By.id("csv")).getAttribute("href"))).header("Cookie", "BERTH_CONSOLE="
                + browser.manage().getCookieNamed("BERTH_CONSOLE").getValue()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().startsWith("day,repository,stored_bytes,pushes,"), csv.body());
        assertTrue(csv.body().lines().anyMatch(line -> line.contains(",console/usage,") && line.split(",")[3]
                .equals("1")), csv.body());

        browser.get(BASE + "/console/webhooks");
        browser.findElement(By.id("url")).sendKeys("http://127.0.0.1:1/hook");
        browser.findElement(By.id("event-pattern")).sendKeys("{\"detail-type\":[\"ECR Image Action\"]}");
        browser.findElement(By.id("secret")).sendKeys("short");
        // The browser checks the length first; without it the server refuses, as here.
        ((JavascriptExecutor) browser).executeScript("document.getElementById('secret').removeAttribute('minlength')");
        console.submit(By.id("create-webhook"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("secret:"));
        browser.findElement(By.id("secret")).sendKeys("a-secret-of-enough-length");
        console.submit(By.id("create-webhook"));
        assertEquals("Created the webhook.", browser.findElement(By.id("flash")).getText());
        ADMIN.putManifest("console/usage", "v2", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/usage", RegistryHttp.OCI_MANIFEST, "usage two"));
        browser.findElement(By.linkText("http://127.0.0.1:1/hook")).click();
        until = System.currentTimeMillis() + 10_000;
        while (browser.findElements(By.id("deliveries")).isEmpty() && System.currentTimeMillis() < until) {
            sleep(300);
            browser.navigate().refresh();
        }
        assertTrue(browser.findElement(By.cssSelector("#deliveries td.state")).getText().matches("PENDING|DEAD"),
                "nothing listens there: the delivery waits for its next attempt");
        browser.get(BASE + "/console/webhooks");
        WebElement delete = browser.findElement(By.cssSelector("#webhooks button.danger"));
        delete.click();
        browser.switchTo().alert().accept();
        console.waitForNextPage(delete);
        assertEquals("Deleted the webhook.", browser.findElement(By.id("flash")).getText());

        browser.get(BASE + "/console/collection");
        console.submit(By.id("collect"));
        assertTrue(browser.findElement(By.id("flash")).getText().startsWith("Collection started")
                || browser.findElement(By.id("flash")).getText().contains("already"));
        // The run saves its report as it begins, in the background: reload until it is listed.
        until = System.currentTimeMillis() + 10_000;
        while (browser.findElements(By.cssSelector("#reports td.state")).isEmpty()
                && System.currentTimeMillis() < until) {
            sleep(300);
            browser.navigate().refresh();
        }
        assertFalse(browser.findElements(By.cssSelector("#reports td.state")).isEmpty());
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    /**
     * Every page passes axe-core's WCAG 2 A and AA rules (labels, contrast, landmarks, names of buttons and links),
     * and the sign-in form works from the keyboard alone.
     */
    @Test
    void everyPageMeetsWcagAaAndSignInWorksFromTheKeyboard() throws Exception {
        ADMIN.putManifest("console/a11y", "v1", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/a11y", RegistryHttp.OCI_MANIFEST, "accessible"));
        browser.manage().deleteAllCookies();
        browser.get(BASE + "/console/sign-in");
        List<String> violations = new ArrayList<>(console.accessibilityViolations());
        WebElement user = browser.findElement(By.id("username"));
        user.click();
        user.sendKeys("admin" + org.openqa.selenium.Keys.TAB);
        browser.switchTo().activeElement().sendKeys(RegistryHttp.ADMIN_PASSWORD + org.openqa.selenium.Keys.ENTER);
        console.waitForNextPage(user);
        assertEquals("Dashboard", browser.findElement(By.tagName("h1")).getText(), "signed in from the keyboard");
        for (String page : List.of("", "/repositories", "/new-repository", "/repositories/console/a11y",
                "/repositories/console/a11y/_/settings", "/repositories/console/a11y/_/policy",
                "/repositories/console/a11y/_/lifecycle", "/repositories/console/a11y/_/delete", "/users",
                "/users/admin", "/groups", "/audit", "/usage", "/webhooks", "/collection", "/no-such-page")) {
            browser.get(BASE + "/console" + page);
            console.accessibilityViolations().forEach(violation -> violations.add(page + ": " + violation));
        }
        assertEquals(List.of(), violations);
        // The check itself: a field without a label is caught.
        ((JavascriptExecutor) browser).executeScript("document.querySelector('main').appendChild("
                + "document.createElement('input'))");
        assertTrue(console.accessibilityViolations().stream().anyMatch(v -> v.startsWith("label ")),
                "axe-core finds an input without a label");
    }

    @Test
    void markupInRecordedValuesIsShownAsText() throws Exception {
        String agent = "<script>window.attacked=1</script><img src=x onerror=window.attacked=2>";
        HttpResponse<String> call = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(BASE + "/v2/_catalog")).header("Authorization",
                        RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD)).header("User-Agent", agent).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, call.statusCode());
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        // The trail is written twice a second: reload until the call is in it.
        long until = System.currentTimeMillis() + 10_000;
        while (browser.findElements(By.xpath("//small[@class='agent'][text()='" + agent + "']")).isEmpty()
                && System.currentTimeMillis() < until) {
            Thread.sleep(500);
            browser.navigate().refresh();
        }
        assertFalse(browser.findElements(By.xpath("//small[@class='agent'][text()='" + agent + "']")).isEmpty(),
                "the user agent is shown as it was sent, as text");
        assertNull(((JavascriptExecutor) browser).executeScript("return window.attacked;"));
        assertTrue(browser.getPageSource().contains("&lt;script&gt;window.attacked=1&lt;/script&gt;"));
    }

    @Test
    void formsFromElsewhereAreRefusedAndPagesMayNotBeFramed() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String credentials = "username=admin&password=" + RegistryHttp.ADMIN_PASSWORD;
        // Another site's page posting the sign-in form, and a post no browser page made.
        assertEquals(403, post(http, "/console/sign-in", credentials, "Origin", "http://attacker.example")
                .statusCode());
        assertEquals(403, post(http, "/console/sign-in", credentials).statusCode());
        HttpResponse<String> signedIn = post(http, "/console/sign-in", credentials, "Origin", BASE);
        assertEquals(303, signedIn.statusCode());
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        // Signed in, but without the session's token: not the console's own form.
        assertEquals(403, post(http, "/console/sign-out", "", "Origin", BASE, "Cookie", cookie).statusCode());
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(BASE + "/console"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self'"), policy);
        assertFalse(page.body().contains("<script>"), "no inline script");

        // An action with the session's cookie and token, but sent by another site's page: refused before it runs.
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(page.body());
        assertTrue(token.find());
        String create = "csrf=" + token.group(1) + "&name=console/forged";
        assertEquals(403, post(http, "/console/new-repository", create, "Origin", "http://attacker.example",
                "Cookie", cookie).statusCode());
        assertEquals(403, post(http, "/console/new-repository", create, "Cookie", cookie).statusCode());
        EcrClient ecr = AwsApis.ecr(BASE, AwsApis.adminKey(BASE));
        assertTrue(ecr.describeRepositories().repositories().stream()
                .noneMatch(r -> r.repositoryName().equals("console/forged")));
        // The same form from the console's own origin works: the refusals above were the origin's.
        assertEquals(303, post(http, "/console/new-repository", create, "Origin", BASE, "Cookie", cookie)
                .statusCode());
        assertTrue(ecr.describeRepositories().repositories().stream()
                .anyMatch(r -> r.repositoryName().equals("console/forged")));
    }

    @Test
    void aUserSeesOnlyWhatItsPoliciesAllow() {
        IamClient iam = AwsApis.iam(BASE, AwsApis.adminKey(BASE));
        String user = "console-viewer";
        iam.createUser(r -> r.userName(user));
        iam.createLoginProfile(r -> r.userName(user).password("viewer-password-2026"));
        ADMIN.putManifest("console/seen", "v1", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console/seen", RegistryHttp.OCI_MANIFEST, "seen"));
        ADMIN.putManifest("console-hidden/unseen", "v1", RegistryHttp.OCI_MANIFEST,
                ADMIN.imageManifest("console-hidden/unseen", RegistryHttp.OCI_MANIFEST, "unseen"));

        console.signIn(user, "viewer-password-2026");
        assertTrue(browser.findElements(By.id("repository-count")).isEmpty(), "no account figures");
        assertTrue(browser.getPageSource().contains("cloudtrail:LookupEvents"), "says what it would need");
        browser.get(BASE + "/console/repositories?prefix=console");
        assertTrue(browser.findElement(By.id("no-repositories")).isDisplayed());
        browser.get(BASE + "/console/repositories/console/seen");
        assertTrue(browser.findElement(By.id("refusal")).getText().contains("ecr:DescribeImages"),
                "a refusal names the permission that is missing");

        iam.putUserPolicy(r -> r.userName(user).policyName("describe-console").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                        + "\"ecr:DescribeRepositories\",\"Resource\":\"arn:aws:ecr:us-east-1:000000000000:"
                        + "repository/console/*\"}]}"));
        // The session reads the user's policies on every request: the new one applies at once.
        browser.get(BASE + "/console/repositories?prefix=console");
        List<String> names = browser.findElements(By.cssSelector("#repositories td.name")).stream()
                .map(WebElement::getText).toList();
        assertTrue(names.contains("console/seen"), names.toString());
        assertFalse(names.contains("console-hidden/unseen"), names.toString());

        // An action the policies do not allow: ECR's refusal, naming the permission, and nothing made.
        browser.get(BASE + "/console/new-repository");
        browser.findElement(By.id("name")).sendKeys("console/not-allowed");
        console.submit(By.id("create"));
        String refusal = browser.findElement(By.id("form-error")).getText();
        assertTrue(refusal.startsWith("AccessDeniedException") && refusal.contains("ecr:CreateRepository"), refusal);
        for (String page : List.of("/users", "/usage", "/webhooks", "/collection")) {
            browser.get(BASE + "/console" + page);
            assertEquals("Not allowed", browser.findElement(By.tagName("h1")).getText(), page);
        }
        browser.get(BASE + "/console/audit");
        assertTrue(browser.findElement(By.id("refusal")).getText().contains("cloudtrail:LookupEvents"));
    }



    private static HttpResponse<String> post(HttpClient http, String path, String form, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
