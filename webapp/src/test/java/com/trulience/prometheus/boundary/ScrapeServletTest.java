package com.trulience.prometheus.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScrapeServletTest {

    @Test
    void gzipsWhenTheClientNamesGzipWithoutRefusingIt() {
        for (String accepted : new String[] {"gzip", "GZIP", "deflate, gzip", "br;q=1.0, gzip;q=0.5", "gzip; q=0.001"}) {
            assertTrue(ScrapeServlet.acceptsGzip(accepted), accepted);
        }
        for (String refused : new String[] {null, "", "identity", "deflate, br", "gzip;q=0", "gzip; q=0.000", "x-gzip", "*"}) {
            assertFalse(ScrapeServlet.acceptsGzip(refused), refused);
        }
    }
}
