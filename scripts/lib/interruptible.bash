# scripts/lib/interruptible.bash — for scripts that promise "Ctrl-C (or SIGTERM) cleans up and exits 130 (143)".
#
# Two things stand between a bash script's `trap '…; exit 130' INT` and that promise (both measured with bash 5.2):
#
# 1. A signal that is ignored when bash starts cannot be trapped: `trap … INT` is then silently a no-op and the script
#    runs on to its normal end (exit 0). A process started in the background by a non-interactive shell (no job
#    control) — how CI runners and `dotnet test` hosts are often started — has SIGINT ignored, and every process it
#    starts inherits that. interruptible_reexec re-executes the script once with INT and TERM at their default action
#    (coreutils `env --default-signal`), so its traps work.
# 2. While a foreground child runs, bash runs a trap only after that child has ended. GNU `timeout` puts itself and its
#    child in a process group of their own, so a Ctrl-C sent to the script's group never reaches them: the script
#    waits for the whole bounded command (up to its time limit) before its trap runs. `bounded SECS CMD…` runs
#    `timeout SECS CMD…` in the background and `wait`s for it: a trapped signal interrupts `wait` at once. The trap
#    (or the EXIT cleanup) calls bounded_stop to end that child.

# interruptible_reexec "$@": call first thing in the script, before anything with side effects.
interruptible_reexec() {
  local ignored
  ignored=$(awk '/^SigIgn:/ {print $2}' "/proc/$$/status" 2>/dev/null)
  # SIGINT is signal 2 (mask bit 1), SIGTERM is 15 (mask bit 14).
  if [ -n "$ignored" ] && (( (16#$ignored & ((1 << 1) | (1 << 14))) != 0 )) && [ -z "${WEFT_INTERRUPTIBLE_REEXEC:-}" ]; then
    export WEFT_INTERRUPTIBLE_REEXEC=1
    exec env --default-signal=INT,TERM "$BASH" "$0" "$@"
  fi
}

bounded_pid=""

# bounded SECS COMMAND…: like `timeout SECS COMMAND…` in the foreground (same exit status, same redirections), but a
# trapped signal is handled at once instead of after COMMAND ends. Its stdin is /dev/null.
bounded() {
  local secs=$1
  shift
  timeout "$secs" "$@" &
  bounded_wait $!
}

# bounded_stdin FILE SECS COMMAND…: bounded, with COMMAND's stdin read from FILE (a background command's stdin is
# /dev/null unless it is redirected itself).
bounded_stdin() {
  local file=$1 secs=$2
  shift 2
  timeout "$secs" "$@" <"$file" &
  bounded_wait $!
}

# bounded_wait PID: waits for the bounded command PID (which bounded_stop may end meanwhile) and returns its status.
bounded_wait() {
  local rc
  bounded_pid=$1
  wait "$bounded_pid"
  rc=$?
  bounded_pid=""
  return "$rc"
}

# bounded_stop: ends the command `bounded` is waiting for, if any (timeout passes SIGTERM on to its child), within 5 s.
bounded_stop() {
  local pid=$bounded_pid i
  [ -n "$pid" ] || return 0
  bounded_pid=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null   # timeout leads a process group of its own
  wait "$pid" 2>/dev/null
  return 0
}
