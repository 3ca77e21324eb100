package dev.fleet.os;

/**
 * How a file transfer into or out of a POSIX member shows among its user's processes, as an awk
 * condition on {@code ps -o pid=,args=} lines ({@code $2} the program, {@code $3} its first
 * argument): OpenSSH's {@code sftp-server} (an SFTP session: fleet's own transfers, sftp, scp,
 * sshfs), {@code rsync --server} (rsync over SSH, either way) and {@code scp -t} or {@code -f}
 * (the legacy scp protocol, {@code scp -O}). One text for fleet's idle check and the on-instance
 * guard. None of them runs a fleet command or has a terminal, so no other check sees them.
 */
public final class TransferServers {
    public static final String AWK_CONDITION = "$2 ~ /^([^ ]*\\/)?sftp-server$/ || ($2 ~ /^([^ ]*\\/)?rsync$/ && $3 == \"--server\")"
            + " || ($2 ~ /^([^ ]*\\/)?scp$/ && (\" \" $0 \" \") ~ / -[tf] /)";

    private TransferServers() {
    }
}
