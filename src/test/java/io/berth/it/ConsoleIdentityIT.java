package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * The console's identity pages in a real browser (as {@link ConsoleIT}): a user made, given a password, a key, a
 * policy and a group, all checked against the IAM SDK's view, then taken apart and deleted; what a user who is not
 * an administrator sees. Saves screenshots, desktop and narrow, into {@code docs/console/}.
 */
@ExtendWith(ArquillianExtension.class)
class ConsoleIdentityIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String BASE = ADMIN.base;

    private static ConsoleBrowser console;
    private static ChromeDriver browser;

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
    void aUserIsManagedFromCreationToDeletion() throws IOException {
        IamClient iam = AwsApis.iam(BASE, AwsApis.adminKey(BASE));
        String user = "console-ops";
        String password = "ops-password-2026";
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);

        browser.get(BASE + "/console/users");
        browser.findElement(By.id("user-name")).sendKeys(user);
        console.submit(By.id("create-user"));
        assertEquals(BASE + "/console/users/" + user, browser.getCurrentUrl());
        assertEquals("Created user " + user + ".", browser.findElement(By.id("flash")).getText());
        assertTrue(iam.listUsers().users().stream().anyMatch(u -> u.userName().equals(user)));

        // The same name again: IAM's error on the form, the name kept.
        browser.get(BASE + "/console/users");
        browser.findElement(By.id("user-name")).sendKeys(user);
        console.submit(By.id("create-user"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("EntityAlreadyExists"),
                browser.findElement(By.id("form-error")).getText());
        assertEquals(user, browser.findElement(By.id("user-name")).getAttribute("value"));

        // A password, with which the user signs in; it is not an administrator, so IAM's pages are refused.
        browser.get(BASE + "/console/users/" + user);
        browser.findElement(By.id("password")).sendKeys(password);
        console.submit(By.id("set-password"));
        assertEquals("Set the password.", browser.findElement(By.id("flash")).getText());
        assertEquals("Change password", browser.findElement(By.id("set-password")).getText());
        console.signIn(user, password);
        assertEquals(BASE + "/console", browser.getCurrentUrl());
        browser.get(BASE + "/console/users");
        assertTrue(browser.findElement(By.id("refusal")).getText().contains("iam:ListUsers"),
                browser.findElement(By.id("refusal")).getText());
        browser.get(BASE + "/console/users/" + user);
        assertTrue(browser.findElement(By.id("refusal")).getText().contains("iam:GetUser"));
        // A form posted anyway (with the session's token) is IAM's to refuse, and the refusal names the action.
        WebElement refusal = browser.findElement(By.id("refusal"));
        ((JavascriptExecutor) browser).executeScript("var form = document.createElement('form');"
                + "form.method = 'post'; form.action = '/console/users';"
                + "form.appendChild(document.querySelector('input[name=csrf]').cloneNode());"
                + "var name = document.createElement('input'); name.name = 'userName'; name.value = 'intruder';"
                + "form.appendChild(name); document.body.appendChild(form); form.submit();");
        console.waitForNextPage(refusal);
        assertTrue(browser.findElement(By.id("refusal")).getText().contains("iam:CreateUser"),
                browser.findElement(By.id("refusal")).getText());
        assertTrue(iam.listUsers().users().stream().noneMatch(u -> u.userName().equals("intruder")));
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);

        // A policy IAM refuses: its message beside the text, the text kept, nothing stored.
        browser.get(BASE + "/console/users/" + user);
        String invalid = "{\"Version\":\"2012-10-17\",\"Statement\":[";
        browser.findElement(By.id("new-policy-name")).sendKeys("token");
        browser.findElement(By.id("new-policy-text")).sendKeys(invalid);
        console.submit(By.id("add-policy"));
        assertTrue(browser.findElement(By.id("new-policy-error")).getText().startsWith("MalformedPolicyDocument"),
                browser.findElement(By.id("new-policy-error")).getText());
        assertEquals(invalid, browser.findElement(By.id("new-policy-text")).getAttribute("value"));
        assertEquals("token", browser.findElement(By.id("new-policy-name")).getAttribute("value"));
        assertThrows(NoSuchEntityException.class, () -> iam.getUserPolicy(r -> r.userName(user)
                .policyName("token")));

        // A valid one, whose Id holds markup: stored as sent, shown as text.
        String valid = "{\"Version\":\"2012-10-17\",\"Id\":\"<script>window.attacked=1</script>\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"}]}";
        browser.findElement(By.id("new-policy-text")).clear();
        browser.findElement(By.id("new-policy-text")).sendKeys(valid);
        console.submit(By.id("add-policy"));
        assertEquals("Saved policy token.", browser.findElement(By.id("flash")).getText());
        assertEquals(valid, URLDecoder.decode(iam.getUserPolicy(r -> r.userName(user).policyName("token"))
                .policyDocument(), StandardCharsets.UTF_8));
        assertEquals(valid, browser.findElement(By.id("policy-text-token")).getAttribute("value"));
        assertNull(((JavascriptExecutor) browser).executeScript("return window.attacked;"));
        assertTrue(browser.getPageSource().contains("&lt;script&gt;window.attacked=1&lt;/script&gt;"));

        // Editing the stored one badly: the error beside it, the stored text unchanged.
        browser.findElement(By.id("policy-text-token")).clear();
        browser.findElement(By.id("policy-text-token")).sendKeys("{}");
        console.submit(By.id("save-policy-token"));
        assertTrue(browser.findElement(By.id("policy-error-token")).getText().startsWith("MalformedPolicyDocument"));
        assertEquals("{}", browser.findElement(By.id("policy-text-token")).getAttribute("value"));
        assertEquals(valid, URLDecoder.decode(iam.getUserPolicy(r -> r.userName(user).policyName("token"))
                .policyDocument(), StandardCharsets.UTF_8));

        // An access key: its secret shown once, on the form's answer, and it works.
        browser.get(BASE + "/console/users/" + user);
        console.submit(By.id("create-key"));
        String keyId = browser.findElement(By.id("new-key-id")).getText();
        String secret = browser.findElement(By.id("new-key-secret")).getText();
        assertTrue(keyId.startsWith("AKIA"), keyId);
        assertEquals(40, secret.length());
        AwsApis.loginPassword(BASE, new AwsApis.Key(keyId, secret));
        browser.get(BASE + "/console/users/" + user);
        assertTrue(browser.findElements(By.id("new-key")).isEmpty());
        assertFalse(browser.getPageSource().contains(secret), "the secret is never shown again");
        assertEquals(keyId, browser.findElement(By.cssSelector("#access-keys code")).getText());

        console.submit(By.id("toggle-" + keyId));
        assertEquals("Deactivated access key " + keyId + ".", browser.findElement(By.id("flash")).getText());
        assertEquals("Inactive", iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata().get(0)
                .statusAsString());
        assertEquals("Activate", browser.findElement(By.id("toggle-" + keyId)).getText());

        // A group, which the user joins.
        browser.get(BASE + "/console/groups");
        browser.findElement(By.id("group-name")).sendKeys("console-team");
        console.submit(By.id("create-group"));
        assertEquals(BASE + "/console/groups/console-team", browser.getCurrentUrl());
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("add-member"))).selectByValue(user);
        console.submit(By.id("add-to-group"));
        assertEquals(List.of(user), browser.findElements(By.cssSelector("#members td.name")).stream()
                .map(WebElement::getText).toList());
        // The group's inline policies are edited as a user's.
        browser.findElement(By.id("new-policy-name")).sendKeys("pull-team");
        browser.findElement(By.id("new-policy-text")).sendKeys("{\"Statement\":[]}");
        console.submit(By.id("add-policy"));
        assertTrue(browser.findElement(By.id("new-policy-error")).getText().startsWith("MalformedPolicyDocument"));
        String groupPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                + "\"ecr:BatchGetImage\",\"Resource\":\"arn:aws:ecr:us-east-1:000000000000:repository/team/*\"}]}";
        browser.findElement(By.id("new-policy-text")).clear();
        browser.findElement(By.id("new-policy-text")).sendKeys(groupPolicy);
        console.submit(By.id("add-policy"));
        assertEquals("Saved policy pull-team.", browser.findElement(By.id("flash")).getText());
        assertEquals(groupPolicy, browser.findElement(By.id("policy-text-pull-team")).getAttribute("value"));
        browser.findElement(By.linkText(user)).click();
        assertEquals(List.of("console-team"), browser.findElements(By.cssSelector("#user-groups td.name")).stream()
                .map(WebElement::getText).toList());
        console.screenshots("user");
        browser.get(BASE + "/console/users");
        WebElement row = browser.findElement(By.xpath("//table[@id='users']//tr[td/a[text()='" + user + "']]"));
        List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertEquals(List.of(user, "no", "yes", "0"), List.of(cells.get(0), cells.get(2), cells.get(3),
                cells.get(4)), "name, not an administrator, a password, no active key");
        console.screenshots("users");

        // Deleting: IAM refuses while anything is attached; the console takes each away, then the user.
        browser.get(BASE + "/console/users/" + user);
        browser.findElement(By.id("confirm")).sendKeys(user);
        console.submit(By.id("delete-user"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("DeleteConflict"),
                browser.findElement(By.id("form-error")).getText());
        console.submit(By.id("leave-console-team"));
        assertTrue(browser.findElement(By.id("no-groups")).isDisplayed());
        console.confirmAndSubmit(By.id("delete-" + keyId));
        assertTrue(browser.findElement(By.id("no-keys")).isDisplayed());
        console.confirmAndSubmit(By.id("delete-policy-token"));
        assertTrue(browser.findElement(By.id("no-policies")).isDisplayed());
        console.confirmAndSubmit(By.id("delete-password"));
        assertEquals("Removed the password.", browser.findElement(By.id("flash")).getText());
        browser.findElement(By.id("confirm")).sendKeys(user);
        console.submit(By.id("delete-user"));
        assertEquals(BASE + "/console/users", browser.getCurrentUrl());
        assertEquals("Deleted user " + user + ".", browser.findElement(By.id("flash")).getText());
        assertTrue(iam.listUsers().users().stream().noneMatch(u -> u.userName().equals(user)));
    }

    @Test
    void namesOutsideIamsRulesAreRefusedOrNotFound() {
        console.signIn("admin", RegistryHttp.ADMIN_PASSWORD);
        browser.get(BASE + "/console/users");
        browser.findElement(By.id("user-name")).sendKeys("a<b>");
        console.submit(By.id("create-user"));
        assertTrue(browser.findElement(By.id("form-error")).getText().startsWith("ValidationError"),
                browser.findElement(By.id("form-error")).getText());
        assertEquals("a<b>", browser.findElement(By.id("user-name")).getAttribute("value"));
        assertTrue(browser.findElements(By.tagName("b")).isEmpty(), "the name is text, not markup");
        // A name with markup can never be an IAM name: the page is not looked for.
        browser.get(BASE + "/console/users/a%3Cb%3E");
        assertEquals("Not found", browser.findElement(By.tagName("h1")).getText());
        browser.get(BASE + "/console/groups/no-such-group");
        assertEquals("Not found", browser.findElement(By.tagName("h1")).getText());
    }




}
