package dev.fleet.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One tool parameter: its JSON Schema and its validation rule in one place, so the schema a
 * client sees and the check the server applies cannot drift apart.
 */
public record Param(
        String name,
        Kind kind,
        String description,
        boolean mandatory,
        Object defaultValue,
        Long min,
        Long max,
        Pattern pattern,
        String patternRule,
        List<String> allowed,
        boolean sensitive) {

    public enum Kind {
        STRING("string"), INTEGER("integer"), NUMBER("number"), BOOLEAN("boolean"), STRING_LIST("array");

        final String jsonType;

        Kind(String jsonType) {
            this.jsonType = jsonType;
        }
    }

    public static Param string(String name, String description) {
        return new Param(name, Kind.STRING, description, false, null, null, null, null, null, null, false);
    }

    public static Param integer(String name, String description, long min, long max) {
        return new Param(name, Kind.INTEGER, description, false, null, min, max, null, null, null, false);
    }

    /** A decimal number (amounts of money) within whole-number bounds. */
    public static Param number(String name, String description, long min, long max) {
        return new Param(name, Kind.NUMBER, description, false, null, min, max, null, null, null, false);
    }

    public static Param bool(String name, String description) {
        return new Param(name, Kind.BOOLEAN, description, false, null, null, null, null, null, null, false);
    }

    public static Param stringList(String name, String description) {
        return new Param(name, Kind.STRING_LIST, description, false, null, null, null, null, null, null, false);
    }

    public static Param oneOf(String name, String description, String... allowed) {
        return new Param(name, Kind.STRING, description, false, null, null, null, null, null, List.of(allowed), false);
    }

    public Param required() {
        return new Param(name, kind, description, true, defaultValue, min, max, pattern, patternRule, allowed, sensitive);
    }

    public Param withDefault(Object value) {
        return new Param(name, kind, description, mandatory, value, min, max, pattern, patternRule, allowed, sensitive);
    }

    /** Strings: a regular expression the whole value must match, and the rule as a person reads it. */
    public Param matching(String regex, String rule) {
        return new Param(name, kind, description, mandatory, defaultValue, min, max, Pattern.compile(regex), rule, allowed, sensitive);
    }

    /** Strings: length bounds. */
    public Param length(long minLength, long maxLength) {
        return new Param(name, kind, description, mandatory, defaultValue, minLength, maxLength, pattern, patternRule, allowed, sensitive);
    }

    public Param description(String text) {
        return new Param(name, kind, text, mandatory, defaultValue, min, max, pattern, patternRule, allowed, sensitive);
    }

    /** A secret is never echoed: it is redacted from every result and error. */
    public Param secret() {
        return new Param(name, kind, description, mandatory, defaultValue, min, max, pattern, patternRule, allowed, true);
    }

    Map<String, Object> schema() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", kind.jsonType);
        s.put("description", description);
        if (kind == Kind.STRING_LIST) {
            s.put("items", Map.of("type", "string"));
        }
        if (allowed != null) {
            s.put("enum", allowed);
        }
        if (kind == Kind.INTEGER || kind == Kind.NUMBER) {
            s.put("minimum", min);
            s.put("maximum", max);
        }
        if (kind == Kind.STRING && min != null) {
            s.put("minLength", min);
            s.put("maxLength", max);
        }
        if (pattern != null) {
            s.put("pattern", "^(?:" + pattern.pattern() + ")$");
        }
        if (defaultValue != null) {
            s.put("default", defaultValue);
        }
        return s;
    }
}
