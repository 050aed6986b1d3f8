package com.trulience.agent.link;

import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import com.trulience.agent.restart.ActionCommand;
import com.trulience.agent.restart.RestartCommand;
import java.io.StringReader;

/** A frame from the backend (DESIGN.md section 2), parsed apart from the socket so it is tested on strings. */
sealed interface BackendFrame {

    /** The batch {@code seq} is stored. */
    record Ack(long seq) implements BackendFrame {
    }

    /** The backend refused a frame; {@code seq} is null when it was not a batch (e.g. the hello). */
    record Error(Long seq, String code, String message, String field) implements BackendFrame {
    }

    /** Restart a service; the command is checked by the restarter, not here. */
    record Restart(RestartCommand command) implements BackendFrame {
    }

    /** Free memory or interrupt the job; the command is checked by the restarter, not here. */
    record Action(ActionCommand command) implements BackendFrame {
    }

    /** Anything else, e.g. a type of a newer backend; {@code type} describes it for the log. */
    record Other(String type) implements BackendFrame {
    }

    /** Json.createReader looks the provider up (a ServiceLoader scan) on every call: once is enough. */
    JsonProvider JSON = JsonProvider.provider();

    static BackendFrame parse(String text) {
        JsonObject json;
        try {
            json = JSON.createReader(new StringReader(text)).readObject();
        } catch (JsonException | IllegalStateException e) {
            return new Other("(not a JSON object)");
        } catch (RuntimeException beyondParserLimits) {
            // Parsson's guards throw plain RuntimeException (nesting deeper than 1,000), UnsupportedOperationException
            // (numbers of more than 1,100 characters) and NumberFormatException (an exponent beyond int).
            return new Other("(not a JSON object within the parser's limits)");
        }
        String type = json.get("type") instanceof JsonString value ? value.getString() : "(no type)";
        Long seq = json.get("seq") instanceof JsonNumber number && number.isIntegral() ? number.longValue() : null;
        if (type.equals("ack") && seq != null) {
            return new Ack(seq);
        }
        if (type.equals("error")) {
            return new Error(seq, json.getString("code", "unknown"), json.getString("message", ""),
                    json.get("field") instanceof JsonString field ? field.getString() : null);
        }
        if (type.equals("restart") && json.get("restart_id") instanceof JsonNumber id && id.isIntegral() && id.longValue() > 0) {
            return new Restart(new RestartCommand(id.longValue(),
                    json.get("service_name") instanceof JsonString name ? name.getString() : null,
                    json.get("force") == JsonValue.TRUE,
                    json.get("reason") instanceof JsonString reason ? reason.getString() : null));
        }
        if (type.equals("action") && json.get("action_id") instanceof JsonNumber id && id.isIntegral() && id.longValue() > 0) {
            return new Action(new ActionCommand(id.longValue(),
                    json.get("action") instanceof JsonString action ? action.getString() : null,
                    json.get("service_name") instanceof JsonString name ? name.getString() : null,
                    json.get("force") == JsonValue.TRUE,
                    json.get("reason") instanceof JsonString reason ? reason.getString() : null));
        }
        return new Other(switch (type) {
            case "ack" -> "ack without seq";
            case "restart" -> "restart without restart_id";
            case "action" -> "action without action_id";
            default -> type;
        });
    }
}
