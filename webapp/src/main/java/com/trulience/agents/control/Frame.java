package com.trulience.agents.control;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Typed, range-checked reads of one JSON object of a frame; every failure names the field by its path. */
final class Frame {

    private final JsonObject json;
    private final String path;

    Frame(JsonObject json, String path) {
        this.json = json;
        this.path = path;
    }

    static Frame of(JsonObject json) {
        return new Frame(json, "");
    }

    String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    long requiredLong(String field, long min, long max) {
        Long value = optionalLong(field, min, max);
        if (value == null) {
            throw new InvalidFrame(name(field), "is required");
        }
        return value;
    }

    int requiredInt(String field, int min, int max) {
        return (int) requiredLong(field, min, max);
    }

    Integer optionalInt(String field, int min, int max) {
        Long value = optionalLong(field, min, max);
        return value == null ? null : value.intValue();
    }

    Long optionalLong(String field, long min, long max) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return integral(value, name(field), min, max);
    }

    static long integral(JsonValue value, String name, long min, long max) {
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw new InvalidFrame(name, "must be an integer");
        }
        try {
            long result = number.longValueExact();
            if (result >= min && result <= max) {
                return result;
            }
        } catch (ArithmeticException tooLarge) {
            // out of range as well
        }
        throw new InvalidFrame(name, "must be " + min + ".." + max);
    }

    Boolean optionalBoolean(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.TRUE && value.getValueType() != JsonValue.ValueType.FALSE) {
            throw new InvalidFrame(name(field), "must be true or false");
        }
        return value.getValueType() == JsonValue.ValueType.TRUE;
    }

    /** Whether the field is there and not null: an absent list and a null list mean "not reported". */
    boolean has(String field) {
        JsonValue value = json.get(field);
        return value != null && value.getValueType() != JsonValue.ValueType.NULL;
    }

    String requiredString(String field, Pattern pattern, String rule) {
        String value = optionalString(field, pattern, rule);
        if (value == null) {
            throw new InvalidFrame(name(field), "is required");
        }
        return value;
    }

    String optionalString(String field, Pattern pattern, String rule) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw new InvalidFrame(name(field), "must be a string");
        }
        if (!pattern.matcher(string.getString()).matches()) {
            throw new InvalidFrame(name(field), "must be " + rule);
        }
        return string.getString();
    }

    /** An object field, or null when it is absent or null. */
    Frame optionalObject(String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonObject object)) {
            throw new InvalidFrame(name(field), "must be an object");
        }
        return new Frame(object, name(field));
    }

    /** The elements of an array field (absent means empty), each read by {@code element}. */
    <T> List<T> list(String field, int maxSize, boolean required, Function<Element, T> element) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            if (required) {
                throw new InvalidFrame(name(field), "is required");
            }
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new InvalidFrame(name(field), "must be an array");
        }
        if (array.size() > maxSize) {
            throw new InvalidFrame(name(field), "must have at most " + maxSize + " entries");
        }
        var result = new ArrayList<T>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(element.apply(new Element(array.get(i), name(field) + "[" + i + "]")));
        }
        return result;
    }

    /** One element of an array field. */
    record Element(JsonValue value, String path) {

        Frame object() {
            if (!(value instanceof JsonObject object)) {
                throw new InvalidFrame(path, "must be an object");
            }
            return new Frame(object, path);
        }

        int integer(int min, int max) {
            return (int) integral(value, path, min, max);
        }

        String string(Pattern pattern, String rule) {
            if (!(value instanceof JsonString string) || !pattern.matcher(string.getString()).matches()) {
                throw new InvalidFrame(path, "must be " + rule);
            }
            return string.getString();
        }
    }
}
