package dev.fleet.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.cloud.IdleAction;
import dev.fleet.cloud.IdleWatcher;
import dev.fleet.testing.CloudFleet;
import dev.fleet.testing.FakeEc2;
import dev.fleet.testing.LoginScope;
import dev.fleet.testing.MutableClock;
import dev.fleet.testing.TestSshServer;
import dev.fleet.testing.TitledJobs;
import dev.fleet.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job that sets its own process title (setproctitle: Ray, celery, gunicorn, vLLM) writes over the
 * run id it inherited. Left running by a long_running task's command, it is still found once the
 * task has completed: the task wrapper records the session it leads (setsid), which the job
 * shares, as fleet's command wrapper records a command's, so the idle watcher keeps the instance.
 */
class TaskLeftTitledJobKeepsInstanceTest {
    static final String ID = "i-0eeeeeeeeeeeeeee1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(Instant.now());
    CloudFleet sim;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        sim = new CloudFleet(tmp, 191, clock, Map.of("FLEET_TASK_ACTIVITY_SEC", "1"));
        sim.cloud.machine(ID, "g5.xlarge", FakeEc2.State.RUNNING);
        work = sim.memberHome.resolve("w");
        ToolResult r = sim.call("register_member", "friendly_name", "gpu", "member_type", "remote", "username",
                TestSshServer.USER, "port", sim.sshPort, "work_folder", work.toString(), "cloud_instance_id", ID,
                "cloud_ssh_key_path", sim.key.toString(), "cloud_idle_timeout_min", 30);
        assertThat(r.isError()).as(r.text()).isFalse();
        Files.createDirectories(work);
        // As the guard's installer leaves it (fleet installs no guard on a loopback member).
        Files.createDirectories(sim.memberHome.resolve(".fleet/guard/sessions"));
    }

    @AfterEach
    void tearDown() throws Exception {
        sim.close();
    }

    private void run(String variant) throws Exception {
        ToolResult launched = sim.call("execute_command", "member_name", "gpu", "long_running", true, "command", TitledJobs.COMMAND);
        assertThat(launched.isError()).as(launched.text()).isFalse();
        String task = (String) ((Map<?, ?>) launched.structured()).get("taskId");
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen[0] = JSON.readTree(sim.call("monitor_task", "member_name", "gpu", "task_id", task).text());
            return seen[0].get("status").asText().equals("completed");
        });
        ProcessHandle job = TitledJobs.started(seen[0].get("logTail").toString());
        try {
            clock.advance(Duration.ofMinutes(31));
            sim.fleet().channels().releaseAll();
            List<IdleWatcher.Decision> d = sim.fleet().idleWatcher().cycle();
            assertThat(job.isAlive()).isTrue();
            assertThat(d).as(variant).singleElement().satisfies(x -> assertThat(x.action()).isEqualTo(IdleAction.KEEP));
            assertThat(sim.ec2.requests("StopInstances")).isZero();
        } finally {
            TitledJobs.end(job);
        }
    }

    @Test
    void aTitledJobLeftByACompletedTaskKeepsTheInstance() throws Exception {
        run("no-logind");
    }

    @Test
    void theSameWhereLoginsHaveScopes() throws Exception {
        try (LoginScope scope = LoginScope.required()) {
            sim.cloud.server(ID).loginScope(scope);
            run("logind");
        }
    }
}
