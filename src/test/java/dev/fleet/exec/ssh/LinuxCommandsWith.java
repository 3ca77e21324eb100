package dev.fleet.exec.ssh;

import dev.fleet.member.MemberOs;
import dev.fleet.os.OsCommands;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** A Linux member's commands with some of them answered otherwise, for tests of what fleet does when the member's tools do not behave. */
final class LinuxCommandsWith {
    /** The answer to a call of {@code method} with {@code args}; null leaves the call to Linux's own commands. */
    interface Answer {
        Object of(String method, Object[] args);
    }

    private LinuxCommandsWith() {
    }

    static OsCommands answering(Answer answer) {
        OsCommands real = OsCommands.forOs(MemberOs.LINUX);
        return (OsCommands) Proxy.newProxyInstance(OsCommands.class.getClassLoader(), new Class<?>[] {OsCommands.class},
                (proxy, m, args) -> {
                    Object given = answer.of(m.getName(), args);
                    if (given != null) {
                        return given;
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
