# Shared part of the fake agent CLIs used in tests (sourced by each fake in this folder).
#
# Each fake sets FAKE_NAME, FAKE_DEFAULT_VERSION, FAKE_KEY_VARS (the variables it would read a key
# from) and defines emit_progress (one line of the CLI's own progress output, or a transcript
# write where the real CLI prints nothing until it ends). State lives in $HOME/.fake-$FAKE_NAME/:
#   version   the version line printed by --version
#   mode      how the next prompt behaves: success (default), one of the fake's own failure
#             modes, or a common one below
# Every prompt call is recorded as argv-<n>.txt (one argument per line), prompt-<n>.txt (the
# prompt exactly as received), env-<n>.txt (NAME=value of each key variable that is set, and
# FLEET_PROMPT_RUN), cwd-<n>.txt, and a line in calls.log (the arguments joined by spaces).
#
# Common modes:
#   slow      sleeps 30 s (for the total time limit)
#   silent    prints one progress line, then nothing for 120 s (for the inactivity limit)
#   chatty    prints progress every 0.2 s for chatty-seconds (default 3 s), then answers
#   stubborn  ignores SIGTERM, starts two children that ignore it too (their pids, and its own,
#             go to children.txt), prints progress, then waits forever
#   echoes    prints the work folder's notes.txt (what an agent read from the member) and exits 1
#             without any error of its own, as a CLI that crashed mid-run
#   tamper    a hostile CLI: for tamper-seconds (default 3 s) it keeps putting a link to
#             "<tamper-target>-mark" in place of its run folder's mark.next (each poll's mark),
#             then replaces its out and err with links to "<tamper-target>-secret", then answers
fake_state="$HOME/.fake-$FAKE_NAME"
mkdir -p "$fake_state"
fake_version="$(cat "$fake_state/version" 2>/dev/null || echo "$FAKE_DEFAULT_VERSION")"
fake_mode="$(cat "$fake_state/mode" 2>/dev/null || echo success)"

# Records one prompt call. Arguments: the CLI's argv. The prompt is read from stdin unless
# FAKE_PROMPT_FILE names the file it was given.
fake_record() {
  fake_n=$(( $(ls "$fake_state" | grep -c '^argv-') + 1 ))
  printf '%s\n' "$@" > "$fake_state/argv-$fake_n.txt"
  echo "$*" >> "$fake_state/calls.log"
  if [ -n "${FAKE_PROMPT_FILE:-}" ]; then cat "$FAKE_PROMPT_FILE" > "$fake_state/prompt-$fake_n.txt"
  else cat > "$fake_state/prompt-$fake_n.txt"; fi
  : > "$fake_state/env-$fake_n.txt"
  for v in $FAKE_KEY_VARS FLEET_PROMPT_RUN; do
    eval "val=\${$v-}"
    if [ -n "$val" ]; then printf '%s=%s\n' "$v" "$val" >> "$fake_state/env-$fake_n.txt"; fi
  done
  pwd > "$fake_state/cwd-$fake_n.txt"
}

fake_prompt_bytes() {
  wc -c < "$fake_state/prompt-$fake_n.txt" | tr -d ' '
}

fake_uuid() {
  cat /proc/sys/kernel/random/uuid 2>/dev/null || echo "$(date +%s)-$RANDOM-$RANDOM-$RANDOM"
}

# Runs the common modes; returns only when the prompt should go on to answer.
fake_common_modes() {
  case "$fake_mode" in
    slow) sleep 30 ;;
    echoes) cat notes.txt; exit 1 ;;
    silent) emit_progress; sleep 120; exit 0 ;;
    chatty)
      i=0; end=$(( $(cat "$fake_state/chatty-seconds" 2>/dev/null || echo 3) * 5 ))
      while [ "$i" -lt "$end" ]; do emit_progress; sleep 0.2; i=$((i + 1)); done ;;
    tamper)
      run="$HOME/.fleet-prompts/$FLEET_PROMPT_RUN"; target=$(cat "$fake_state/tamper-target")
      i=0; end=$(( $(cat "$fake_state/tamper-seconds" 2>/dev/null || echo 3) * 10 ))
      while [ "$i" -lt "$end" ]; do
        rm -f "$run/mark.next"; ln -s "$target-mark" "$run/mark.next"; emit_progress; sleep 0.1; i=$((i + 1))
      done
      rm -f "$run/out" "$run/err"
      ln -s "$target-secret" "$run/out"; ln -s "$target-secret" "$run/err" ;;
    stubborn)
      trap '' TERM
      echo "$$" > "$fake_state/children.txt"
      ( trap '' TERM; while :; do sleep 1; done ) &
      echo "$!" >> "$fake_state/children.txt"
      ( trap '' TERM; sh -c 'trap "" TERM; while :; do sleep 1; done' & echo "$!" >> "$fake_state/children.txt"; wait ) &
      echo "$!" >> "$fake_state/children.txt"
      emit_progress
      while :; do sleep 1; done ;;
  esac
}
