package com.trulience.dashboard;

import com.trulience.testing.TrulienceWar;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard in Debian's Chromium against the deployed WAR, fed by real agent WebSocket clients: one test class
 * a page, run here as nested classes so that the pages share one deployment (a Payara Micro start each would add
 * half a minute apiece). {@code -Dit.test=DashboardIT} runs them all, {@code -Dit.test='DashboardIT$FleetPage'} one.
 */
@ExtendWith(ArquillianExtension.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class DashboardIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DashboardPages.DATABASE, DashboardPages.ADMIN_PASSWORD, Map.of());
    }

    @AfterAll
    static void quitBrowser() {
        DashboardPages.quitBrowser();
    }

    @Nested
    class Login extends LoginIT {
    }

    @Nested
    class HardwarePage extends HardwarePageIT {
    }

    @Nested
    class WorkerPage extends WorkerPageIT {
    }

    @Nested
    class AlertsPage extends AlertsPageIT {
    }

    @Nested
    class WorkersPage extends WorkersPageIT {
    }

    @Nested
    class ThresholdsPage extends ThresholdsPageIT {
    }

    @Nested
    class GpuHealth extends GpuHealthPageIT {
    }

    @Nested
    class UsersPage extends UsersPageIT {
    }

    /** Last: its 200 workers would crowd the cards view's first page for the classes after it. */
    @Nested
    @Order(Integer.MAX_VALUE)
    class FleetPage extends FleetPageIT {
    }
}
