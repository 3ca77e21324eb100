package dev.fleet.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * An in-process fake of the EC2 Query API on 127.0.0.1, good enough for the real AWS SDK v2
 * {@link Ec2Client} (and the AWS CLI): DescribeInstances, StartInstances, StopInstances and
 * TerminateInstances over simulated instances whose state changes in the background as EC2's do
 * (stopped → pending → running, running → stopping → stopped). {@link Hooks} tie an instance to a
 * real test machine (e.g. a {@link TestSshServer}): they run before the state turns running or
 * stopped, so a client that sees "running" can connect at once. Faults (throttling, server errors,
 * delays) can be injected for the next requests, and every request is counted.
 *
 * <p>Thread-safe. {@link #close()} stops the server and the background transitions; no hook is
 * called after it returns.
 */
public final class FakeEc2 implements AutoCloseable {
    public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public static final String AVAILABILITY_ZONE = "us-east-1a";
    public static final String IMAGE_ID = "ami-0fa4e0000000fee7";
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(200);
    /** In an answer, stands for the request's signed headers (see {@link SimInstance#quoteHeadersInAnswers}). */
    private static final String REQUEST_HEADERS = "{{request headers}}";

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern INSTANCE_ID_PARAM = Pattern.compile("InstanceId\\.(\\d+)");
    private static final Pattern FILTER_NAME_PARAM = Pattern.compile("Filter\\.(\\d+)\\.Name");

    /** EC2's instance states, with the codes and names the API reports. */
    public enum State {
        PENDING(0, "pending"),
        RUNNING(16, "running"),
        SHUTTING_DOWN(32, "shutting-down"),
        TERMINATED(48, "terminated"),
        STOPPING(64, "stopping"),
        STOPPED(80, "stopped");

        private final int code;
        private final String ec2Name;

        State(int code, String ec2Name) {
            this.code = code;
            this.ec2Name = ec2Name;
        }

        public int code() {
            return code;
        }

        /** The name as EC2 spells it ("shutting-down"). */
        public String ec2Name() {
            return ec2Name;
        }
    }

    /**
     * What a simulated machine does when it boots or shuts down. Called on a background thread,
     * before the state turns running (resp. stopped), with the instance still pending (stopping).
     */
    public interface Hooks {
        /** Boots the machine; returns its new public IP. If it throws, the instance stays pending. */
        String onStarted(SimInstance instance) throws Exception;

        /** Shuts the machine down. If it throws, the error is recorded and the instance stops anyway. */
        default void onStopped(SimInstance instance) throws Exception {
        }
    }

    private final Object lock = new Object();
    private final Map<String, SimInstance> instances = new LinkedHashMap<>();
    private final Map<String, Integer> requestCounts = new HashMap<>();
    private final List<String> actionLog = new ArrayList<>();
    private final AtomicInteger nextLoopbackHost = new AtomicInteger(2);
    private final AtomicInteger nextPrivateHost = new AtomicInteger(10);
    private final Hooks defaultHooks = instance -> "127.0.0." + nextLoopbackHost.getAndIncrement();
    /** Launch times come from here (a test's fake clock keeps them in step with the server's). */
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();

    private int throttle;
    private int fail;
    private int quoteHeaders;
    private int delayCount;
    private Duration delay = Duration.ZERO;
    private boolean closed;

    private HttpServer server;
    private ExecutorService httpThreads;
    private ScheduledExecutorService scheduler;
    private ExecutorService hookThreads;

    /** Takes launch times from {@code c} (a test's fake clock) instead of the real one. */
    public FakeEc2 clock(java.time.Clock c) {
        this.clock = Objects.requireNonNull(c);
        return this;
    }

    /** Starts the endpoint on 127.0.0.1 on a free port. */
    public FakeEc2 start() throws IOException {
        synchronized (lock) {
            if (server != null || closed) {
                throw new IllegalStateException("already started or closed");
            }
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("fake-ec2-scheduler"));
            s.setRemoveOnCancelPolicy(true);
            scheduler = s;
            hookThreads = Executors.newCachedThreadPool(daemon("fake-ec2-hook"));
            httpThreads = Executors.newCachedThreadPool(daemon("fake-ec2-http"));
            HttpServer srv = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            srv.setExecutor(httpThreads);
            srv.createContext("/", this::handle);
            srv.start();
            server = srv;
            return this;
        }
    }

    /** {@code http://127.0.0.1:PORT/}, for {@code endpointOverride} or {@code --endpoint-url}. */
    public URI endpoint() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("not started");
            }
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        }
    }

    @Override
    public void close() {
        HttpServer srv;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            srv = server;
        }
        if (srv != null) {
            srv.stop(0);
        }
        for (ExecutorService e : new ExecutorService[] {scheduler, hookThreads, httpThreads}) {
            if (e != null) {
                e.shutdownNow();
            }
        }
        for (ExecutorService e : new ExecutorService[] {scheduler, hookThreads, httpThreads}) {
            if (e != null) {
                try {
                    e.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- instances

    /**
     * Adds a simulated instance. Its launch time is now (EC2 keeps the last launch time even for a
     * stopped instance); it has a private IP in 10.0.0.0/24 and no public IP until
     * {@link SimInstance#setPublicIp}.
     */
    public SimInstance addInstance(String instanceId, String instanceType, State initial) {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(instanceType, "instanceType");
        Objects.requireNonNull(initial, "initial");
        synchronized (lock) {
            if (instances.containsKey(instanceId)) {
                throw new IllegalArgumentException("duplicate instance " + instanceId);
            }
            SimInstance i = new SimInstance(instanceId, instanceType, initial, "10.0.0." + nextPrivateHost.getAndIncrement());
            instances.put(instanceId, i);
            return i;
        }
    }

    /** The instance with this id; throws if there is none. */
    public SimInstance instance(String instanceId) {
        synchronized (lock) {
            SimInstance i = instances.get(instanceId);
            if (i == null) {
                throw new IllegalArgumentException("no instance " + instanceId);
            }
            return i;
        }
    }

    /** One simulated EC2 instance. All accessors are thread-safe; setters return {@code this}. */
    public final class SimInstance {
        private final String id;
        private final String instanceType;
        private final String privateIp;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private State state;
        private Instant launchTime;
        private String publicIp;
        private boolean quoteHeaders;
        private Hooks hooks = defaultHooks;
        private Duration pendingDelay = DEFAULT_DELAY;
        private Duration stoppingDelay = DEFAULT_DELAY;
        private Exception hookError;
        /** Bumped on every state change: a scheduled transition only applies if nothing moved meanwhile. */
        private long generation;

        private SimInstance(String id, String instanceType, State state, String privateIp) {
            this.id = id;
            this.instanceType = instanceType;
            this.state = state;
            this.privateIp = privateIp;
            this.launchTime = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        }

        public String id() {
            return id;
        }

        public String instanceType() {
            return instanceType;
        }

        public String privateIp() {
            return privateIp;
        }

        public State state() {
            synchronized (lock) {
                return state;
            }
        }

        public Instant launchTime() {
            synchronized (lock) {
                return launchTime;
            }
        }

        /** The public IP, or null when the instance has none. */
        public String publicIp() {
            synchronized (lock) {
                return publicIp;
            }
        }

        /** The last exception a hook threw, or null. */
        public Exception hookError() {
            synchronized (lock) {
                return hookError;
            }
        }

        public SimInstance setPublicIp(String ip) {
            synchronized (lock) {
                publicIp = ip;
                return this;
            }
        }

        /** Moves the instance to a state at once, cancelling any transition under way (no hooks run). */
        public SimInstance setState(State newState) {
            synchronized (lock) {
                changeState(Objects.requireNonNull(newState));
                return this;
            }
        }

        public SimInstance hooks(Hooks newHooks) {
            synchronized (lock) {
                hooks = Objects.requireNonNull(newHooks);
                return this;
            }
        }

        /** How long the instance stays pending before its start hook runs (default 200 ms). */
        public SimInstance pendingDelay(Duration d) {
            synchronized (lock) {
                pendingDelay = Objects.requireNonNull(d);
                return this;
            }
        }

        /** How long the instance stays stopping before its stop hook runs (default 200 ms). */
        public SimInstance stoppingDelay(Duration d) {
            synchronized (lock) {
                stoppingDelay = Objects.requireNonNull(d);
                return this;
            }
        }

        /** Adds a tag, reported in DescribeInstances' tagSet and matched by {@code tag:KEY} filters. */
        /**
         * From now on DescribeInstances gives this instance's type and public address each followed
         * by the request's Authorization and X-Amz-Security-Token headers, on lines of their own, as
         * an endpoint standing in for EC2 that echoes the request might.
         */
        public SimInstance quoteHeadersInAnswers() {
            synchronized (lock) {
                quoteHeaders = true;
                return this;
            }
        }

        public SimInstance tag(String key, String value) {
            synchronized (lock) {
                tags.put(key, value);
                return this;
            }
        }

        @Override
        public String toString() {
            synchronized (lock) {
                return id + "[" + state.ec2Name() + (publicIp == null ? "" : " " + publicIp) + "]";
            }
        }

        // Called with the lock held.
        private void changeState(State s) {
            state = s;
            generation++;
        }
    }

    // ---------------------------------------------------------------- faults and counters

    /** The next n requests are answered 503 RequestLimitExceeded. */
    public FakeEc2 throttleNext(int n) {
        synchronized (lock) {
            throttle = n;
            return this;
        }
    }

    /** The next n requests are answered 500 InternalError. */
    public FakeEc2 failNext(int n) {
        synchronized (lock) {
            fail = n;
            return this;
        }
    }

    /**
     * The next n requests are refused (403 AuthFailure) with a message quoting the request's
     * signed headers back: its Authorization and its X-Amz-Security-Token (the session token).
     */
    public FakeEc2 refuseQuotingHeadersNext(int n) {
        synchronized (lock) {
            quoteHeaders = n;
            return this;
        }
    }

    /** The next n requests are answered only after sleeping d (then normally, or with a queued fault). */
    public FakeEc2 delayNext(int n, Duration d) {
        synchronized (lock) {
            delayCount = n;
            delay = Objects.requireNonNull(d);
            return this;
        }
    }

    /** How many requests with this Action were received, faulted ones included. */
    public int requests(String action) {
        synchronized (lock) {
            return requestCounts.getOrDefault(action, 0);
        }
    }

    /** Every request's Action, in the order received. */
    public List<String> actions() {
        synchronized (lock) {
            return List.copyOf(actionLog);
        }
    }

    // ---------------------------------------------------------------- client

    /** The real SDK client for this endpoint, as Fleet configures it (10 s API call timeout). */
    public static Ec2Client client(URI endpoint) {
        return client(endpoint, o -> { });
    }

    /** As {@link #client(URI)}, with further override configuration (e.g. a retry strategy). */
    public static Ec2Client client(URI endpoint, Consumer<ClientOverrideConfiguration.Builder> override) {
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(10));
        override.accept(o);
        return Ec2Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                .overrideConfiguration(o.build())
                .build();
    }

    // ---------------------------------------------------------------- HTTP

    private record Reply(int status, String xml) {
    }

    private static final class ApiError extends Exception {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                Map<String, String> params = parseParams(exchange);
                refuseQuotingHeaders(exchange);
                reply = dispatch(params);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ApiError e) {
                reply = errorReply(e);
            } catch (RuntimeException e) {
                reply = errorReply(new ApiError(500, "InternalError", "fake EC2 failed: " + e));
            }
            byte[] body = reply.xml().replace(REQUEST_HEADERS, escape("Authorization: "
                    + exchange.getRequestHeaders().getFirst("Authorization") + "\nX-Amz-Security-Token: "
                    + exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"))).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml;charset=UTF-8");
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void refuseQuotingHeaders(HttpExchange exchange) throws ApiError {
        synchronized (lock) {
            if (quoteHeaders == 0) {
                return;
            }
            quoteHeaders--;
        }
        throw new ApiError(403, "AuthFailure", "Request refused; it carried Authorization: "
                + exchange.getRequestHeaders().getFirst("Authorization") + " and X-Amz-Security-Token: "
                + exchange.getRequestHeaders().getFirst("X-Amz-Security-Token") + " (session "
                + exchange.getRequestHeaders().getFirst("X-Amz-Security-Token") + ")");
    }

    private static Map<String, String> parseParams(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            parseForm(query, params);
        }
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            parseForm(body, params);
        }
        return params;
    }

    private static void parseForm(String form, Map<String, String> into) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            into.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    private Reply dispatch(Map<String, String> params) throws ApiError, InterruptedException {
        String action = params.getOrDefault("Action", "");
        Duration sleep = null;
        boolean throttled = false;
        boolean failed = false;
        synchronized (lock) {
            requestCounts.merge(action, 1, Integer::sum);
            actionLog.add(action);
            if (delayCount > 0) {
                delayCount--;
                sleep = delay;
            }
            if (throttle > 0) {
                throttle--;
                throttled = true;
            } else if (fail > 0) {
                fail--;
                failed = true;
            }
        }
        if (sleep != null) {
            Thread.sleep(sleep.toMillis());
        }
        if (throttled) {
            throw new ApiError(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        if (failed) {
            throw new ApiError(500, "InternalError", "An internal error has occurred.");
        }
        if (action.isEmpty()) {
            throw new ApiError(400, "MissingAction", "The request must contain the parameter Action.");
        }
        switch (action) {
            case "DescribeInstances":
                return new Reply(200, describeInstances(params));
            case "StartInstances":
                return new Reply(200, startInstances(params));
            case "StopInstances":
                return new Reply(200, stopInstances(params));
            case "TerminateInstances":
                return new Reply(200, terminateInstances(params));
            default:
                throw new ApiError(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
        }
    }

    private static List<String> instanceIds(Map<String, String> params) {
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        params.forEach((k, v) -> {
            Matcher m = INSTANCE_ID_PARAM.matcher(k);
            if (m.matches()) {
                byIndex.put(Integer.parseInt(m.group(1)), v);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** The instances with these ids, in order; InvalidInstanceID.NotFound if any is missing. Lock held. */
    private List<SimInstance> lookup(List<String> ids) throws ApiError {
        List<SimInstance> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            SimInstance i = instances.get(id);
            if (i == null) {
                missing.add(id);
            } else if (!found.contains(i)) {
                found.add(i);
            }
        }
        if (missing.size() == 1) {
            throw new ApiError(400, "InvalidInstanceID.NotFound", "The instance ID '" + missing.get(0) + "' does not exist");
        }
        if (!missing.isEmpty()) {
            throw new ApiError(400, "InvalidInstanceID.NotFound",
                    "The instance IDs '" + String.join(", ", missing) + "' do not exist");
        }
        return found;
    }

    private String describeInstances(Map<String, String> params) throws ApiError {
        List<String> ids = instanceIds(params);
        Map<String, List<String>> filters = filters(params);
        StringBuilder xml = open("DescribeInstancesResponse");
        xml.append("<reservationSet>");
        synchronized (lock) {
            List<SimInstance> selected = ids.isEmpty() ? new ArrayList<>(instances.values()) : lookup(ids);
            for (SimInstance i : selected) {
                if (!matches(i, filters)) {
                    continue;
                }
                xml.append("<item>")
                        .append("<reservationId>r-").append(suffix(i.id)).append("</reservationId>")
                        .append("<ownerId>123456789012</ownerId>")
                        .append("<groupSet/>")
                        .append("<instancesSet>");
                appendInstance(xml, i);
                xml.append("</instancesSet></item>");
            }
        }
        xml.append("</reservationSet>");
        return close(xml, "DescribeInstancesResponse");
    }

    private static Map<String, List<String>> filters(Map<String, String> params) throws ApiError {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            Matcher m = FILTER_NAME_PARAM.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            String name = e.getValue();
            if (!name.startsWith("tag:") && !List.of("instance-id", "instance-state-name", "instance-state-code",
                    "instance-type", "ip-address", "private-ip-address", "availability-zone").contains(name)) {
                throw new ApiError(400, "InvalidParameterValue", "The filter '" + name + "' is invalid");
            }
            String prefix = "Filter." + m.group(1) + ".Value.";
            List<String> values = filters.computeIfAbsent(name, k -> new ArrayList<>());
            params.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    values.add(v);
                }
            });
        }
        return filters;
    }

    /** Lock held. Wildcards in filter values are not supported. */
    private static boolean matches(SimInstance i, Map<String, List<String>> filters) {
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            String name = f.getKey();
            String actual;
            if (name.startsWith("tag:")) {
                actual = i.tags.get(name.substring(4));
            } else {
                actual = switch (name) {
                    case "instance-id" -> i.id;
                    case "instance-state-name" -> i.state.ec2Name();
                    case "instance-state-code" -> Integer.toString(i.state.code());
                    case "instance-type" -> i.instanceType;
                    case "ip-address" -> i.publicIp;
                    case "private-ip-address" -> i.privateIp;
                    case "availability-zone" -> AVAILABILITY_ZONE;
                    default -> null;
                };
            }
            if (actual == null || !f.getValue().contains(actual)) {
                return false;
            }
        }
        return true;
    }

    /** Lock held. */
    private static void appendInstance(StringBuilder xml, SimInstance i) {
        xml.append("<item>")
                .append(el("instanceId", i.id))
                .append(el("imageId", IMAGE_ID))
                .append("<instanceState>").append(el("code", Integer.toString(i.state.code())))
                .append(el("name", i.state.ec2Name())).append("</instanceState>")
                .append(el("privateDnsName", "ip-" + i.privateIp.replace('.', '-') + ".ec2.internal"))
                .append(el("dnsName", i.publicIp == null ? "" : "ec2-" + i.publicIp.replace('.', '-')
                        + ".compute-1.amazonaws.com"))
                .append(el("amiLaunchIndex", "0"))
                .append(el("instanceType", i.instanceType + (i.quoteHeaders ? "\n" + REQUEST_HEADERS : "")))
                .append(el("launchTime", ISO_MILLIS.format(i.launchTime)))
                .append("<placement>").append(el("availabilityZone", AVAILABILITY_ZONE))
                .append(el("tenancy", "default")).append("</placement>")
                .append("<monitoring>").append(el("state", "disabled")).append("</monitoring>")
                .append(el("privateIpAddress", i.privateIp));
        if (i.publicIp != null) {
            xml.append(el("ipAddress", i.publicIp + (i.quoteHeaders ? "\n" + REQUEST_HEADERS : "")));
        }
        xml.append(el("architecture", "x86_64"))
                .append(el("rootDeviceType", "ebs"))
                .append(el("rootDeviceName", "/dev/xvda"));
        if (!i.tags.isEmpty()) {
            xml.append("<tagSet>");
            i.tags.forEach((k, v) -> xml.append("<item>").append(el("key", k)).append(el("value", v)).append("</item>"));
            xml.append("</tagSet>");
        }
        xml.append("</item>");
    }

    private String startInstances(Map<String, String> params) throws ApiError {
        List<String> ids = requireIds(params);
        List<State[]> changes = new ArrayList<>();
        List<SimInstance> targets;
        synchronized (lock) {
            targets = lookup(ids);
            for (SimInstance i : targets) {
                if (i.state != State.STOPPED && i.state != State.PENDING && i.state != State.RUNNING) {
                    throw new ApiError(400, "IncorrectInstanceState",
                            "The instance '" + i.id + "' is not in a state from which it can be started.");
                }
            }
            for (SimInstance i : targets) {
                State before = i.state;
                if (before == State.STOPPED) {
                    i.changeState(State.PENDING);
                    i.hookError = null;
                    schedule(i, i.pendingDelay, i.generation, this::finishStart);
                }
                changes.add(new State[] {before, i.state});
            }
        }
        return stateChanges("StartInstancesResponse", targets, changes);
    }

    private String stopInstances(Map<String, String> params) throws ApiError {
        List<String> ids = requireIds(params);
        List<State[]> changes = new ArrayList<>();
        List<SimInstance> targets;
        synchronized (lock) {
            targets = lookup(ids);
            for (SimInstance i : targets) {
                if (i.state == State.SHUTTING_DOWN || i.state == State.TERMINATED) {
                    throw new ApiError(400, "IncorrectInstanceState",
                            "This instance '" + i.id + "' is not in a state from which it can be stopped.");
                }
            }
            for (SimInstance i : targets) {
                State before = i.state;
                if (before == State.RUNNING || before == State.PENDING) {
                    i.changeState(State.STOPPING);
                    i.hookError = null;
                    schedule(i, i.stoppingDelay, i.generation, this::finishStop);
                }
                changes.add(new State[] {before, i.state});
            }
        }
        return stateChanges("StopInstancesResponse", targets, changes);
    }

    private String terminateInstances(Map<String, String> params) throws ApiError {
        List<String> ids = requireIds(params);
        List<State[]> changes = new ArrayList<>();
        List<SimInstance> targets;
        synchronized (lock) {
            targets = lookup(ids);
            for (SimInstance i : targets) {
                State before = i.state;
                if (before != State.TERMINATED && before != State.SHUTTING_DOWN) {
                    boolean wasUp = before == State.RUNNING || before == State.PENDING || before == State.STOPPING;
                    i.changeState(State.SHUTTING_DOWN);
                    i.hookError = null;
                    schedule(i, i.stoppingDelay, i.generation, wasUp ? this::finishTerminateRunning : this::finishTerminate);
                }
                changes.add(new State[] {before, i.state});
            }
        }
        return stateChanges("TerminateInstancesResponse", targets, changes);
    }

    private static List<String> requireIds(Map<String, String> params) throws ApiError {
        List<String> ids = instanceIds(params);
        if (ids.isEmpty()) {
            throw new ApiError(400, "MissingParameter", "The request must contain the parameter InstanceId");
        }
        return ids;
    }

    private static String stateChanges(String root, List<SimInstance> targets, List<State[]> changes) {
        StringBuilder xml = open(root);
        xml.append("<instancesSet>");
        for (int n = 0; n < targets.size(); n++) {
            State[] c = changes.get(n);
            xml.append("<item>").append(el("instanceId", targets.get(n).id))
                    .append("<currentState>").append(el("code", Integer.toString(c[1].code())))
                    .append(el("name", c[1].ec2Name())).append("</currentState>")
                    .append("<previousState>").append(el("code", Integer.toString(c[0].code())))
                    .append(el("name", c[0].ec2Name())).append("</previousState>")
                    .append("</item>");
        }
        xml.append("</instancesSet>");
        return close(xml, root);
    }

    // ---------------------------------------------------------------- background transitions

    private interface Transition {
        void run(SimInstance i, long generation) throws InterruptedException;
    }

    /** Lock held. After the delay, runs the transition on a hook thread (so slow hooks never hold up the scheduler). */
    private void schedule(SimInstance i, Duration after, long generation, Transition t) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                try {
                    hookThreads.execute(() -> {
                        try {
                            t.run(i, generation);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (RejectedExecutionException closing) {
                    // closed meanwhile
                }
            }, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /** Whether the transition still applies: not closed, and the instance has not moved since it was scheduled. */
    private boolean current(SimInstance i, long generation) {
        synchronized (lock) {
            return !closed && i.generation == generation && !Thread.currentThread().isInterrupted();
        }
    }

    private void finishStart(SimInstance i, long generation) {
        Hooks h;
        synchronized (lock) {
            if (!current(i, generation)) {
                return;
            }
            h = i.hooks;
        }
        String ip;
        try {
            ip = h.onStarted(i);
        } catch (Exception e) {
            synchronized (lock) {
                if (i.generation == generation) {
                    i.hookError = e;
                }
            }
            return;
        }
        synchronized (lock) {
            if (!current(i, generation)) {
                return;
            }
            i.publicIp = ip;
            i.launchTime = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            i.changeState(State.RUNNING);
        }
    }

    private void finishStop(SimInstance i, long generation) {
        if (runStopHook(i, generation)) {
            synchronized (lock) {
                if (!current(i, generation)) {
                    return;
                }
                i.publicIp = null;
                i.changeState(State.STOPPED);
            }
        }
    }

    private void finishTerminateRunning(SimInstance i, long generation) {
        if (runStopHook(i, generation)) {
            finishTerminate(i, generation);
        }
    }

    private void finishTerminate(SimInstance i, long generation) {
        synchronized (lock) {
            if (!current(i, generation)) {
                return;
            }
            i.publicIp = null;
            i.changeState(State.TERMINATED);
        }
    }

    /** Runs onStopped; an exception is recorded. Returns false if the transition no longer applies. */
    private boolean runStopHook(SimInstance i, long generation) {
        Hooks h;
        synchronized (lock) {
            if (!current(i, generation)) {
                return false;
            }
            h = i.hooks;
        }
        try {
            h.onStopped(i);
        } catch (Exception e) {
            synchronized (lock) {
                if (i.generation == generation) {
                    i.hookError = e;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- XML

    private static StringBuilder open(String root) {
        return new StringBuilder(512)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append('<').append(root).append(" xmlns=\"").append(NAMESPACE).append("\">")
                .append(el("requestId", UUID.randomUUID().toString()));
    }

    private static String close(StringBuilder xml, String root) {
        return xml.append("</").append(root).append('>').toString();
    }

    private static Reply errorReply(ApiError e) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                + el("Code", e.code) + el("Message", e.getMessage())
                + "</Error></Errors>" + el("RequestID", UUID.randomUUID().toString()) + "</Response>";
        return new Reply(e.status, xml);
    }

    private static String el(String name, String value) {
        return value.isEmpty() ? "<" + name + "/>" : "<" + name + ">" + escape(value) + "</" + name + ">";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int n = 0; n < s.length(); n++) {
            char c = s.charAt(n);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String suffix(String instanceId) {
        return instanceId.startsWith("i-") ? instanceId.substring(2) : instanceId;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
