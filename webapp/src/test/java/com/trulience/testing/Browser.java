package com.trulience.testing;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, through its chromedriver: signs in, waits for what a page shows, and leaves
 * screenshots named by their size (1280x800 or 1920x1080) in webapp/target/screenshots/.
 */
public final class Browser implements AutoCloseable {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The issue asks for 1 s; the deadline leaves room for a loaded 2-core CI machine, the measured time is printed. */
    private static final Duration LIVE_DEADLINE = Duration.ofSeconds(5);
    private static final Duration WAIT = LIVE_DEADLINE.plusSeconds(5);
    /** PBKDF2 at 600,000 iterations plus the first render: seconds on a busy 2-core machine. */
    private static final Duration PAGE_DEADLINE = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private int width;
    private int height;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Skips the test where Chromium or its driver is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "browser tests skipped: install Chromium with `apt-get install -y chromium chromium-driver` (scripts/test does as root)");
    }

    public static Browser start() throws IOException {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,800", "--user-data-dir=" + Files.createTempDirectory("dashboard-it-chromium"));
        return new Browser(new ChromeDriver(options));
    }

    /** Signed out, at 1280x800: as a test finds it. */
    public void reset() {
        driver.manage().deleteAllCookies();
        viewport(1280, 800);
    }

    /** Signs in on the login page and waits for the landing page (the fleet page) with its live channel open. */
    public void signIn(URL base, String username, String password) throws IOException {
        open(base, "login.xhtml");
        find(By.id("login:username")).sendKeys(username);
        find(By.id("login:password")).sendKeys(password);
        find(By.id("login:submit")).click();
        try {
            until("the fleet page after login", () -> driver.getCurrentUrl().contains("/admin/fleet.xhtml"), PAGE_DEADLINE);
        } catch (TimeoutException e) {
            screenshot("failed-login-" + username);
            throw new AssertionError("still at " + driver.getCurrentUrl() + ": " + text(find(By.tagName("body"))), e);
        }
        awaitLive();
    }

    /** Opens a live page (fleet or cards) and waits for its push channel. */
    public void openLive(URL base, String path) throws IOException {
        open(base, path);
        awaitLive();
    }

    /** The push channel is open before the test sends anything. */
    private void awaitLive() {
        until("the live channel", () -> (Boolean) script(
                "return document.getElementById('live-state') !== null && document.getElementById('live-state').classList.contains('on');"),
                PAGE_DEADLINE);
    }

    public void open(URL base, String path) throws MalformedURLException {
        driver.get(new URL(base, path).toString());
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    public Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /**
     * The first value of {@code condition} that is neither null nor false, within 10 s; an element that is missing or
     * replaced meanwhile (a push re-renders the page) counts as not yet.
     */
    public <T> T until(String what, Supplier<T> condition) {
        return until(what, condition, WAIT);
    }

    public <T> T until(String what, Supplier<T> condition, Duration deadline) {
        return new WebDriverWait(driver, deadline)
                .withMessage("waiting for " + what)
                .ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class)
                .until(ignored -> {
                    T value = condition.get();
                    return Boolean.FALSE.equals(value) ? null : value;
                });
    }

    /** The page's own area at that size: the window around it is larger by the browser's frame. */
    public void viewport(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        var inner = (List<?>) script("return [window.innerWidth, window.innerHeight];");
        int frameWidth = width - ((Number) inner.get(0)).intValue();
        int frameHeight = height - ((Number) inner.get(1)).intValue();
        if (frameWidth != 0 || frameHeight != 0) {
            driver.manage().window().setSize(new Dimension(width + frameWidth, height + frameHeight));
        }
        this.width = width;
        this.height = height;
    }

    /** Saves the page as {@code name-WIDTHxHEIGHT.png}. */
    public void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + "-" + width + "x" + height + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    public static String text(WebElement element) {
        return element.getText().trim();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
