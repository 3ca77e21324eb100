package dev.fleet.base;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Keeps the loggers that print what fleet is sent or sends below the level where they do, whatever
 * the user set with {@code -D} options (FLEET_JAVA_OPTS): at debug the MCP SDK logs every JSON-RPC
 * message whole, tool arguments included, so every password and API key a PM passes would land on
 * stderr and in daemon.log. Runs first in every main, before any SLF4J logger exists: slf4j-simple
 * reads a logger's level once, when the logger is made.
 */
public final class LogSafety {
    static final String LOGGER_LEVEL = "org.slf4j.simpleLogger.log.";
    static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    /** slf4j-simple's levels, most verbose first; a name it does not know means info. */
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    /** Each logger family that prints request or response bodies, and the most verbose level it may have. */
    static final Map<String, String> CAPS = caps();

    /**
     * Families whose level fleet's simplelogger.properties sets: slf4j-simple takes a logger's most
     * specific setting, so what they inherit (an ancestor's level, the default) cannot open them,
     * and only a setting of their own or of a member is held to the cap.
     */
    static final java.util.Set<String> PINNED_IN_PROPERTIES = java.util.Set.of("software.amazon.awssdk.profiles");

    /**
     * JDK switches that print HTTP headers (the Authorization of a hosting-service call) or TLS
     * plaintext; they are read when the HTTP or TLS classes first load, so clearing them here holds.
     */
    static final List<String> JDK_WIRE_SWITCHES = List.of("jdk.httpclient.HttpClient.log", "jdk.internal.httpclient.debug",
            "javax.net.debug");

    /**
     * The JDK's own loggers (java.util.logging) that print what an HTTP client sends: the AWS SDK's
     * url-connection client goes through {@code HttpURLConnection} (HTTPS too), which logs each
     * request's headers at FINE, the SigV4 Authorization and the session token among them; the
     * others are java.net.http's and TLS's, which print headers or plaintext below WARNING.
     */
    static final List<String> JDK_WIRE_LOGGERS = List.of("sun.net.www.protocol.http.HttpURLConnection", "jdk.httpclient.HttpClient",
            "jdk.internal.httpclient.debug", "javax.net.ssl");
    private static final Level JDK_WIRE_CAP = Level.WARNING;
    /** java.util.logging holds loggers weakly: a level set on one that nobody holds is lost when it is collected. */
    private static final CopyOnWriteArrayList<Logger> CAPPED = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean WATCHING_CONFIGURATION = new AtomicBoolean();

    private LogSafety() {
    }

    private static Map<String, String> caps() {
        Map<String, String> caps = new LinkedHashMap<>();
        // Debug: "Received request: JSONRPCRequest[... arguments={..., password=...}]", and every answer.
        caps.put("io.modelcontextprotocol", "warn");
        // Debug and trace: requests as signed, credential resolution.
        caps.put("software.amazon.awssdk", "info");
        // Warn: a line of ~/.aws/credentials it cannot read, quoted whole, the key or token on it included.
        caps.put("software.amazon.awssdk.profiles", "error");
        // Trace: packets dumped before encryption, a password login among them.
        caps.put("org.apache.sshd", "debug");
        return java.util.Collections.unmodifiableMap(caps);
    }

    /** On this process's system properties; one line on stderr if a request for more was overruled. */
    public static void enforce() {
        enforce(System.getProperties(), System.err);
    }

    static void enforce(Properties props, PrintStream err) {
        List<String> overruled = new ArrayList<>();
        for (Map.Entry<String, String> cap : CAPS.entrySet()) {
            capFamily(props, cap.getKey(), cap.getValue(), overruled);
        }
        for (String name : JDK_WIRE_SWITCHES) {
            if (props.getProperty(name) != null) {
                props.remove(name);
                overruled.add(name + " (cleared)");
            }
        }
        if (props.getProperty("java.util.logging.config.file") != null || props.getProperty("java.util.logging.config.class") != null) {
            capJdkLoggers(overruled);
        }
        if (!overruled.isEmpty()) {
            err.println("fleet: logging that would print passwords and keys stays off: " + String.join(", ", overruled));
        }
    }

    /**
     * Holds the JDK's wire loggers at WARNING, whatever the user's java.util.logging configuration
     * asks for them or their ancestors. Only when one is named: unconfigured, the JDK's loggers
     * print nothing below INFO, and setting up java.util.logging would cost every start (the
     * status line's included) some 20 ms. A configuration read again later is capped again.
     */
    private static void capJdkLoggers(List<String> overruled) {
        for (String name : JDK_WIRE_LOGGERS) {
            Logger logger = Logger.getLogger(name);
            CAPPED.addIfAbsent(logger);
            Level asked = effectiveLevel(logger);
            if (asked.intValue() < JDK_WIRE_CAP.intValue()) {
                overruled.add(name + " at " + JDK_WIRE_CAP + " (asked: " + asked + ")");
            }
        }
        recapJdkLoggers();
        if (WATCHING_CONFIGURATION.compareAndSet(false, true)) {
            LogManager.getLogManager().addConfigurationListener(LogSafety::recapJdkLoggers);
        }
    }

    private static void recapJdkLoggers() {
        for (Logger logger : CAPPED) {
            if (effectiveLevel(logger).intValue() < JDK_WIRE_CAP.intValue()) {
                logger.setLevel(JDK_WIRE_CAP);
            }
        }
    }

    /** The level a JDK logger logs at: its own, else its nearest ancestor's. */
    private static Level effectiveLevel(Logger logger) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getLevel() != null) {
                return l.getLevel();
            }
        }
        return Level.INFO;
    }

    /** The family's own setting, its members' and what it inherits (an ancestor's, the default) are each held to {@code cap}. */
    private static void capFamily(Properties props, String family, String cap, List<String> overruled) {
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(LOGGER_LEVEL)) {
                String logger = key.substring(LOGGER_LEVEL.length());
                if ((logger.equals(family) || logger.startsWith(family + ".")) && moreVerbose(props.getProperty(key), cap)) {
                    overruled.add(logger + " at " + cap + " (asked: " + props.getProperty(key).strip() + ")");
                    props.setProperty(key, cap);
                }
            }
        }
        if (props.getProperty(LOGGER_LEVEL + family) == null && !PINNED_IN_PROPERTIES.contains(family)) {
            String inherited = inherited(props, family);
            if (inherited != null && moreVerbose(inherited, cap)) {
                overruled.add(family + " at " + cap + " (asked: " + inherited.strip() + ")");
                props.setProperty(LOGGER_LEVEL + family, cap);
            }
        }
    }

    /** What slf4j-simple would give the family from the user's settings: the nearest ancestor's level, else the default. */
    private static String inherited(Properties props, String family) {
        String name = family;
        for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.')) {
            name = name.substring(0, dot);
            String level = props.getProperty(LOGGER_LEVEL + name);
            if (level != null) {
                return level;
            }
        }
        return props.getProperty(DEFAULT_LEVEL);
    }

    private static boolean moreVerbose(String level, String cap) {
        return rank(level) < rank(cap);
    }

    private static int rank(String level) {
        int i = LEVELS.indexOf(level.strip().toLowerCase(java.util.Locale.ROOT));
        return i < 0 ? LEVELS.indexOf("info") : i;
    }
}
