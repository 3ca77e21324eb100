. ./new.sh
fleet_tagged 'abc123' ''
printf 'runs=[%s] tagged=[%s]\n' "$fs_runs" "$fs_tagged"
