package com.trulience.bench;

import com.trulience.testing.Browser;
import java.net.URL;
import org.openqa.selenium.By;

/**
 * scripts/verify-app-server's browser step: signs in with headless Chromium on the deployed WAR, waits until the
 * hardware page shows the worker, and keeps a screenshot (target/screenshots/NAME-1280x800.png). Exit 1 otherwise.
 */
public final class AppServerProbe {

    private AppServerProbe() {
    }

    /** BASE_URL ADMIN_PASSWORD WORKER_NAME SCREENSHOT_NAME */
    public static void main(String[] args) throws Exception {
        var base = new URL(args[0]);
        try (var browser = Browser.start()) {
            browser.reset();
            long start = System.nanoTime();
            browser.signIn(base, "admin", args[1]);
            try {
                browser.until("worker " + args[2] + " on the hardware page",
                        () -> Browser.text(browser.find(By.tagName("body"))).contains(args[2]));
            } finally {
                browser.screenshot(args[3]);
            }
            System.out.println("hardware page with " + args[2] + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (Exception | AssertionError e) {
            System.out.println("browser: " + e);
            System.exit(1);
        }
    }
}
