package com.trulience.platform.boundary;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The REST API under {@code /api}. The OpenAPI document Payara builds from these annotations is served at
 * {@code /openapi} without a login: it describes the API's shape, which the README publishes anyway, and carries no
 * data and no example credentials; every operation it lists still needs an admin's Basic credentials.
 */
@OpenAPIDefinition(
        info = @Info(title = "Trulience Hardware Monitor admin API", version = "1",
                description = "JSON in snake_case; every error is an RFC 9457 problem document (application/problem+json)."),
        security = @SecurityRequirement(name = "basic"),
        components = @Components(
                securitySchemes = @SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
                        description = "a user with role admin"),
                schemas = @Schema(name = "Problem", type = SchemaType.OBJECT, properties = {
                        @SchemaProperty(name = "type", type = SchemaType.STRING),
                        @SchemaProperty(name = "title", type = SchemaType.STRING),
                        @SchemaProperty(name = "status", type = SchemaType.INTEGER),
                        @SchemaProperty(name = "detail", type = SchemaType.STRING),
                        @SchemaProperty(name = "instance", type = SchemaType.STRING)}),
                responses = {
                        @APIResponse(name = "BadRequest", responseCode = "400", description = "a parameter or the body breaks a rule; detail says which",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "Unauthorized", responseCode = "401", description = "no or wrong credentials",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "Forbidden", responseCode = "403", description = "signed in, but not an admin",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "NotFound", responseCode = "404", description = "what the path names does not exist",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem"))),
                        @APIResponse(name = "Conflict", responseCode = "409", description = "the current state does not allow it",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))}))
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
