#!/usr/bin/env bash
# How much of pool's wall above the ideal makespan is the Go runtime's and
# how much the harness's (issue #18's "pool wall per task at most 0.75 µs
# above ideal at 1M", scripts/perf.sh section 3). Linux only.
#
# 1M tasks of a 10 ms sleep on 1000 slots is 1000 sleeps in a row per
# slot, so the wall above ideal is 1000 wake-ups' lateness: 1 µs a task
# is 1 ms a wake-up. An idle Go process waits for its next timer
# in the network poller, and on Linux that wait is in whole milliseconds:
# netpoll rounds any delay under 1 ms up to 1 ms. This script measures, in
# alternated rounds, the median of each:
#   - concbench's pool and the bare channel pool (internal/bare), as built;
#   - both built with that one line of the runtime changed (go build
#     -overlay) so the poller does not wait when the next timer is under
#     1 ms away: exact timers, paid for by an idle thread that spins. What
#     is left is the harness's and the task's own cost per sleep;
#   - the bare pool with a timerfd waking the poller every 100, 250 and
#     500 µs, beside its CPU time: what exact timers would cost a process
#     that does not spin.
# A harness that changed the runtime's timers would change how the user's
# own tasks sleep under it, which is why concbench does neither.
# usage: scripts/timer-floor.sh [rounds]   (default 3; about 4 minutes)
# Needs go, jq and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
case $rounds in '' | *[!0-9]* | 0) echo "timer-floor.sh: rounds must be a positive integer, not '$rounds'" >&2; exit 2 ;; esac
if [ "$(uname -s)" != Linux ]; then
  echo "timer-floor.sh: measures Linux's netpoll (epoll) and a timerfd; this is $(uname -s)" >&2
  exit 2
fi
for c in go jq /usr/bin/time; do
  command -v "$c" >/dev/null || { echo "timer-floor.sh: needs $c" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$(go env GOROOT)/src/runtime/netpoll_epoll.go
# The line this changes, as go1.26 writes it: "} else if delay < 1e6 {
# waitms = 1". Any other shape stops here rather than measure a runtime
# nobody changed.
if [ "$(grep -c '^		waitms = 1$' "$src")" != 1 ]; then
  echo "timer-floor.sh: $src does not round waits up to 1 ms as this script expects ($(go version))" >&2
  exit 1
fi
sed 's/^		waitms = 1$/		waitms = 0/' "$src" >"$tmp/netpoll_epoll.go"
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$tmp/netpoll_epoll.go" >"$tmp/overlay.json"

go build -o "$tmp/cb" ./cmd/concbench
go build -o "$tmp/bare" ./scripts/bare
go build -overlay "$tmp/overlay.json" -o "$tmp/cb-exact" ./cmd/concbench
go build -overlay "$tmp/overlay.json" -o "$tmp/bare-exact" ./scripts/bare

echo "# pool's wall above ideal: the runtime's share, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit $(git rev-parse --short HEAD); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(go version | cut -d' ' -f3)"
echo "load at start: $(uptime | sed 's/.*load average: //')"
echo

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one VARIANT prints "µs-per-task-above-ideal CPU-seconds" of one run.
one() {
  local v=$1 us b
  case $v in
    concbench | concbench-exact)
      b=$tmp/cb
      [ "$v" = concbench-exact ] && b=$tmp/cb-exact
      # The document goes to a file and jq reads it after: nothing runs
      # beside the measured run (as in perf.sh).
      /usr/bin/time -f '%U %S' -o "$tmp/time" "$b" run --workload sleep --latency 10ms --strategies pool \
        --concurrency 1000 --tasks 1000000 -q --format json >"$tmp/doc.json"
      us=$(jq -r '.runs[0] | (.wall_seconds - .ideal_seconds) / .tasks * 1e6' "$tmp/doc.json")
      ;;
    bare | bare-exact)
      b=$tmp/bare
      [ "$v" = bare-exact ] && b=$tmp/bare-exact
      us=$(/usr/bin/time -f '%U %S' -o "$tmp/time" "$b" -strategy pool -tasks 1000000 -conc 1000)
      ;;
    bare-alarm-*)
      us=$(/usr/bin/time -f '%U %S' -o "$tmp/time" "$tmp/bare" -strategy pool -tasks 1000000 -conc 1000 -alarm "${v#bare-alarm-}")
      ;;
  esac
  echo "$us $(awk '{print $1 + $2}' "$tmp/time")"
}

variants="concbench bare concbench-exact bare-exact bare-alarm-100us bare-alarm-250us bare-alarm-500us"
for r in $(seq "$rounds"); do
  for v in $variants; do
    one "$v" >>"$tmp/res.$v"
  done
done
echo "| variant | µs per task above ideal (median of $rounds) | each round | CPU seconds (median) |"
echo "| --- | --- | --- | --- |"
for v in $variants; do
  printf '| %s | %.3f | %s | %.2f |\n' "$v" "$(awk '{print $1}' "$tmp/res.$v" | median)" \
    "$(awk '{printf "%s%.3f", (NR > 1 ? " " : ""), $1}' "$tmp/res.$v")" "$(awk '{print $2}' "$tmp/res.$v" | median)"
done
echo
echo "exact: the runtime's poller does not wait while its next timer is under 1 ms away (it spins)."
echo "alarm-P: as built, with a timerfd waking the poller every P; compare its CPU with bare's."
