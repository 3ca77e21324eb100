# fleet_sftp_counters PID prints the bytes process PID has read and written so far, as the kernel
# counts them (/proc/PID/io): "READ/WRITTEN/", digits as the kernel shows them, or nothing where
# they cannot be read. Compared as text between two looks (no shell arithmetic: some awks print
# large sums rounded), they tell an SFTP session that moves data from one that sits still.
fleet_sftp_counters() {
    sed -n 's/^[rw]char: *\([0-9][0-9]*\)$/\1/p' "/proc/$1/io" 2>/dev/null | tr '\n' /
}
