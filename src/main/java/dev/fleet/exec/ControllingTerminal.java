package dev.fleet.exec;

import java.io.FileInputStream;
import java.io.IOException;

/** Whether this process has a controlling terminal, which the commands it starts could reach. */
final class ControllingTerminal {
    private ControllingTerminal() {
    }

    /**
     * Opening /dev/tty succeeds only with a controlling terminal (it fails with "No such device or
     * address" without one); nothing is read. Where there is no /dev/tty at all (Windows) the answer is no.
     */
    static boolean present() {
        try (FileInputStream tty = new FileInputStream("/dev/tty")) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
