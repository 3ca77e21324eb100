# fleet_active_logins MINUTES prints how many login sessions saw input within the last MINUTES
# minutes: someone working there by hand. who -u's idle column is '.' (input this minute), HH:MM
# (that long ago), 'old' (a day or more) or '?' (no terminal: a stale record); only the first two
# can be recent. A session left open and untouched is nobody working. The columns are found from
# the comment, the first field in parentheses, which may hold spaces (mosh writes "(host via mosh
# [pid])"): the idle column is two before it, or the last but one where there is none.
fleet_active_logins() {
    who -u 2>/dev/null | awk -v lim="$1" '
        { i = NF; for (c = 3; c <= NF; c++) if ($c ~ /^[(]/) { i = c - 1; break }; idle = $(i - 1)
          if (idle == ".") n++
          else if (idle ~ /^[0-9]+:[0-9][0-9]$/) { split(idle, t, ":"); if (t[1] * 60 + t[2] < lim) n++ } }
        END { print n + 0 }'
}
