#!/usr/bin/env bash
# The README's 1M-task table (issue #14): every concurrent strategy on the
# same 1,000,000 tasks of a 10 ms sleep at concurrency 1000, each cell in a
# fresh process (so no cell inherits another's heap, goroutines or threads),
# next to a bare Go twin of each measured by this script in the same run.
#   usage: scripts/million.sh [tasks, default 1000000] [rounds, default 1]
# Columns: wall above the ideal makespan per task, whole-process peak RSS
# (/usr/bin/time; for process, plus the sum of its workers' peaks), the
# cell's own peak RSS, peak goroutines and OS threads (for process, the
# parent's), bytes allocated per task. process runs 2 workers per core, each
# with 1000/(2 x cores) tasks at once, so it has the same 1000 slots.
# Sequential is left out: 1M x 10 ms is 10,000 s (2.8 h) by arithmetic.
# Needs go, /usr/bin/time and jq. Takes about 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-1000000}
rounds=${2:-1}
conc=1000
workers=$((2 * $(nproc)))
per=$(((conc + workers - 1) / workers))

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/concbench" ./cmd/concbench
go build -o "$tmp/bare" ./scripts/bare

echo "# 1M-task table, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit $(git rev-parse --short HEAD); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(go version | cut -d' ' -f3)"
echo "$tasks tasks of a 10 ms sleep, concurrency $conc (process: $workers workers x $per); median of $rounds; load at start: $(uptime | sed 's/.*load average: //')"
echo
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one STRATEGY: prints "above_us rss_mib cell_rss_mib goroutines threads bytes_per_task"
one() {
  local s=$1 extra=()
  [ "$s" = process ] && extra=(--concurrency "$workers" --per-process "$per") || extra=(--concurrency "$conc")
  /usr/bin/time -f '%M' -o "$tmp/time" "$tmp/concbench" run --workload sleep --latency 10ms --tasks "$tasks" \
    --strategies "$s" "${extra[@]}" -q --format json >"$tmp/out"
  # process: the parent's peak plus its workers' (rusage of each worker).
  jq -r --arg kib "$(cat "$tmp/time")" '.runs[0] |
    [((.wall_seconds - .ideal_seconds) / .tasks * 1e6),
     (($kib|tonumber/1024) + ((.processes.child_rss_sum_bytes // 0)/1048576)),
     ((.memory.peak_rss_bytes // 0)/1048576),
     .memory.peak_goroutines, (.memory.peak_threads // 0),
     (.memory.total_alloc_bytes / .tasks)] | @tsv' "$tmp/out"
}
# bare STRATEGY: the twin with no harness: "above_us rss_mib"
bare() {
  /usr/bin/time -f '%M' -o "$tmp/time" "$tmp/bare" -strategy "$1" -tasks "$tasks" -conc "$conc" >"$tmp/bout"
  awk -v kib="$(cat "$tmp/time")" '{printf "%s\t%s\n", $1, kib/1024}' "$tmp/bout"
}

echo "| strategy | wall above ideal, µs/task | peak RSS (process) | cell's own rss | peak goroutines | peak threads | allocated B/task | bare twin: µs/task above ideal | bare twin: RSS |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for s in unbounded pool semaphore errgroup ants pond threads process; do
  : >"$tmp/rows"; : >"$tmp/brows"
  n=$tasks
  # 1000 OS threads, each locked to a goroutine that sleeps, hand the CPU
  # to each other through the kernel on every wake-up: about 290 µs a task
  # here, so 1M of them would take 5 minutes a run (bare twin alike). The
  # row is measured on a tenth of the tasks and says so.
  [ "$s" = threads ] && n=$((tasks / 10))
  for _ in $(seq "$rounds"); do
    tasks=$n one "$s" >>"$tmp/rows"
    [ "$s" = process ] || tasks=$n bare "$s" >>"$tmp/brows"
  done
  m=(); for c in 1 2 3 4 5 6; do m+=("$(cut -f$c "$tmp/rows" | median)"); done
  b="- | -"
  if [ -s "$tmp/brows" ]; then b=$(printf '%.2f | %.0f MiB' "$(cut -f1 "$tmp/brows" | median)" "$(cut -f2 "$tmp/brows" | median)"); fi
  label=$s; [ "$n" != "$tasks" ] && label="$s ($n tasks)"
  printf '| %s | %.2f | %.0f MiB | %.0f MiB | %d | %d | %.0f | %s |\n' "$label" "${m[@]}" "$b"
done
echo
echo "sequential: not run; $tasks x 10 ms = $((tasks / 100)) s by arithmetic."
echo "load at end: $(uptime | sed 's/.*load average: //')"
