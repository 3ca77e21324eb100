package dev.fleet.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaskIdTest {
    @Test
    void idsMadeInTheSameMillisecondDifferAndAllMatchThePattern() {
        Clock frozen = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);
        TaskId.Generator one = new TaskId.Generator(frozen);
        TaskId.Generator other = new TaskId.Generator(frozen); // a second fleet process
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            for (TaskId id : new TaskId[] {one.next(), other.next()}) {
                assertThat(id.value()).matches(TaskId.REGEX);
                assertThat(seen.add(id.value())).as(id.value()).isTrue();
            }
        }
    }

    @Test
    void onlyWellFormedIdsAreAccepted() {
        assertThat(TaskId.isValid("task-abcd")).isTrue();
        assertThat(TaskId.isValid("task-" + "z9".repeat(16))).isTrue();
        for (String bad : new String[] {null, "", "task-abc", "task-ABCD", "task-ab/cd", "task-../x", " task-abcd",
                "task-abcd\n", "task-" + "a".repeat(33), "tasks-abcd"}) {
            assertThat(TaskId.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThatThrownBy(() -> new TaskId("../../etc")).isInstanceOf(IllegalArgumentException.class);
    }
}
