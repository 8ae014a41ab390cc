package io.berth.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through its chromedriver, for the console's browser tests: signing in, sending
 * forms and waiting for the page they lead to, screenshots into {@code docs/console/}, and axe-core's accessibility
 * rules run in the page shown.
 */
final class ConsoleBrowser implements AutoCloseable {

    private static final Path SCREENSHOTS = Path.of("docs", "console");

    private final ChromeDriver driver;
    private final String base;

    private ConsoleBrowser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    static ConsoleBrowser start(String base) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // --no-sandbox: the tests run as root, where chromium's sandbox does not start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new ConsoleBrowser(driver, base);
    }

    ChromeDriver driver() {
        return driver;
    }

    void signIn(String user, String password) {
        driver.manage().deleteAllCookies();
        driver.get(base + "/console/sign-in");
        driver.findElement(By.id("username")).clear();
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        submit(By.cssSelector("form button[type=submit]"));
    }

    /** Clicks a form's button and waits for the page it leads to. */
    void submit(By button) {
        WebElement element = driver.findElement(button);
        element.click();
        waitForNextPage(element);
    }

    /** Clicks a button of a form that asks first (data-confirm), accepts, and waits for the next page. */
    void confirmAndSubmit(By button) {
        WebElement element = driver.findElement(button);
        element.click();
        driver.switchTo().alert().accept();
        waitForNextPage(element);
    }

    /**
     * Waits until the page that held {@code element} has been replaced, before anything is looked for on the next.
     * Chromedriver says so with a stale element, or, when the old page went in the middle of the question, with an
     * inspector error: either means the page is gone.
     */
    void waitForNextPage(WebElement element) {
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> {
            try {
                element.isEnabled();
                return false;
            } catch (WebDriverException gone) {
                return true;
            }
        });
    }

    /** The page as it is, at desktop width and at a phone's 390 pixels. */
    void screenshots(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Dimension desktop = driver.manage().window().getSize();
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(new Dimension(390, 844));
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + "-narrow.png"),
                StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(desktop);
    }

    /**
     * axe-core's violations of WCAG 2.0 and 2.1, levels A and AA, in the page shown, one line each: the rule, its
     * impact and the first element that breaks it.
     */
    @SuppressWarnings("unchecked")
    List<String> accessibilityViolations() throws IOException {
        String axe;
        try (InputStream in = ConsoleBrowser.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        driver.executeScript(axe);
        List<Object> found = (List<Object>) driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(function (r) { done(r.violations.map(function (v) { return v.id + ' (' + v.impact + '): '"
                + " + v.nodes[0].html; })); }, function (e) { done(['axe failed: ' + e]); });");
        return found.stream().map(String::valueOf).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
