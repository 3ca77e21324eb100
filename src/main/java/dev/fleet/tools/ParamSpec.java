package dev.fleet.tools;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The parameters of a tool: generates its JSON input schema and validates calls against it. */
public final class ParamSpec {
    /** Shorter secrets are not redacted from results: the stars would give them away (see {@link #parse}). */
    static final int SHORTEST_REDACTED = 4;

    private final Map<String, Param> params = new LinkedHashMap<>();

    public static ParamSpec of(Param... params) {
        ParamSpec spec = new ParamSpec();
        for (Param p : params) {
            spec.params.put(p.name(), p);
        }
        return spec;
    }

    public ParamSpec plus(Param... more) {
        ParamSpec spec = new ParamSpec();
        spec.params.putAll(params);
        for (Param p : more) {
            spec.params.put(p.name(), p);
        }
        return spec;
    }

    public List<Param> params() {
        return List.copyOf(params.values());
    }

    public Map<String, Object> jsonSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Param p : params.values()) {
            properties.put(p.name(), p.schema());
            if (p.mandatory()) {
                required.add(p.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /** Validates raw arguments; the first violation is reported with the parameter's name and rule. */
    public ToolInput parse(Map<String, Object> raw) {
        Map<String, Object> args = raw == null ? Map.of() : raw;
        for (String key : args.keySet()) {
            if (!params.containsKey(key)) {
                throw new InvalidInputException(key, "is not a parameter of this tool; accepted: "
                        + params.keySet().stream().collect(Collectors.joining(", ")));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> secrets = new ArrayList<>();
        for (Param p : params.values()) {
            Object v = args.get(p.name());
            if (v == null) {
                if (p.mandatory()) {
                    throw new InvalidInputException(p.name(), "is required");
                }
                if (p.defaultValue() != null) {
                    values.put(p.name(), p.defaultValue());
                }
                continue;
            }
            Object checked = check(p, v);
            values.put(p.name(), checked);
            if (p.sensitive() && checked instanceof String s && !s.isEmpty()) {
                secrets.add(s);
            }
        }
        // Redaction replaces a secret wherever it appears in the result, which marks each place: a
        // password that is also the user name would show as "********@host", and one of a letter or
        // two would star out every such letter. Those are not redacted (a result shows nothing of
        // them that the call's other arguments do not show anyway).
        Set<String> plain = new HashSet<>();
        for (Param p : params.values()) {
            if (!p.sensitive() && values.get(p.name()) instanceof String s) {
                plain.add(s);
            }
        }
        secrets.removeIf(s -> s.length() < SHORTEST_REDACTED || plain.contains(s));
        return new ToolInput(values, args.keySet(), secrets);
    }

    private static Object check(Param p, Object v) {
        return switch (p.kind()) {
            case STRING -> checkString(p, v);
            case INTEGER -> checkInteger(p, v);
            case NUMBER -> checkNumber(p, v);
            case BOOLEAN -> {
                if (!(v instanceof Boolean)) {
                    throw new InvalidInputException(p.name(), "must be true or false, got " + describe(p, v));
                }
                yield v;
            }
            case STRING_LIST -> {
                if (!(v instanceof List<?> list)) {
                    throw new InvalidInputException(p.name(), "must be a list of strings, got " + describe(p, v));
                }
                List<String> out = new ArrayList<>();
                for (Object item : list) {
                    if (!(item instanceof String s)) {
                        throw new InvalidInputException(p.name(), "must contain only strings, got " + describe(p, item));
                    }
                    refuseNul(p, s);
                    if (p.pattern() != null && !p.pattern().matcher(s).matches()) {
                        throw new InvalidInputException(p.name(), "item " + quote(s) + " " + p.patternRule());
                    }
                    out.add(s);
                }
                yield List.copyOf(out);
            }
        };
    }


    /**
     * No parameter may hold a NUL character: no path, command or name can, and an SSH server that
     * meets one in a command (OpenSSH) drops the whole connection, and with it every other command
     * and transfer fleet runs on that member at the time.
     */
    private static void refuseNul(Param p, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new InvalidInputException(p.name(), "must not contain a NUL character (U+0000)");
        }
    }

    private static String checkString(Param p, Object v) {
        if (v instanceof Boolean b && p.allowed() != null && p.allowed().contains(b.toString())) {
            // A choice that includes "false" (unattended) also takes the JSON boolean clients naturally send.
            v = b.toString();
        }
        if (!(v instanceof String s)) {
            throw new InvalidInputException(p.name(), "must be a string, got " + describe(p, v));
        }
        refuseNul(p, s);
        if (p.allowed() != null && !p.allowed().contains(s)) {
            throw new InvalidInputException(p.name(), "must be one of " + String.join(", ", p.allowed()) + ", got " + quote(s));
        }
        if (p.min() != null && (s.length() < p.min() || s.length() > p.max())) {
            throw new InvalidInputException(p.name(), p.min() == 1
                    ? "must be non-empty and at most " + p.max() + " characters"
                    : "must be " + p.min() + " to " + p.max() + " characters long");
        }
        if (p.pattern() != null && !p.pattern().matcher(s).matches()) {
            // Secrets never reach a message, even when they are malformed.
            throw new InvalidInputException(p.name(), p.patternRule() + (p.sensitive() ? "" : ", got " + quote(s)));
        }
        return s;
    }

    private static Long checkInteger(Param p, Object v) {
        long value;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            value = ((Number) v).longValue();
        } else if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && !Double.isInfinite(n.doubleValue())) {
            value = n.longValue();
        } else {
            throw new InvalidInputException(p.name(), "must be a whole number from " + p.min() + " to " + p.max()
                    + ", got " + describe(p, v));
        }
        if (value < p.min() || value > p.max()) {
            throw new InvalidInputException(p.name(), "must be from " + p.min() + " to " + p.max() + ", got " + value);
        }
        return value;
    }

    private static Double checkNumber(Param p, Object v) {
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || Double.isInfinite(n.doubleValue())) {
            throw new InvalidInputException(p.name(), "must be a number from " + p.min() + " to " + p.max() + ", got " + describe(p, v));
        }
        double value = n.doubleValue();
        if (value < p.min() || value > p.max()) {
            throw new InvalidInputException(p.name(), "must be from " + p.min() + " to " + p.max() + ", got " + n);
        }
        return value;
    }

    /** What a bad value was, for the error: its kind only when the parameter is a secret (even a number may be one). */
    private static String describe(Param p, Object v) {
        if (v == null) {
            return "null";
        }
        if (!p.sensitive()) {
            return describe(v);
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "true or false";
        }
        return v instanceof List ? "a list" : "an object";
    }

    /**
     * A caller's value quoted back in a message: its first 40 characters, control and format
     * characters (newlines, terminal escapes, bidirectional overrides) shown as {@code \\uXXXX}. A
     * hostile value can neither flood the answer nor act on the screen that shows it.
     */
    static String quote(String s) {
        return dev.fleet.base.Quoted.value(s);
    }

    private static String describe(Object v) {
        if (v instanceof String s) {
            return "the string " + quote(s);
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof Map) {
            return "an object";
        }
        return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }
}
