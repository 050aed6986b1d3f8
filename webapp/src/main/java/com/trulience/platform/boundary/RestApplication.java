package com.trulience.platform.boundary;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

@ApplicationPath("api")
public class RestApplication extends Application {

    /** The API speaks snake_case JSON (DESIGN.md section 3). */
    @Provider
    public static class SnakeCaseJson implements ContextResolver<Jsonb> {

        private final Jsonb jsonb = JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

        @Override
        public Jsonb getContext(Class<?> type) {
            return jsonb;
        }
    }
}
