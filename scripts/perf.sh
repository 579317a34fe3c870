#!/usr/bin/env bash
# Reproduces the README's performance figures (issue #18) in one run, with
# the date, the machine and the commit, and each figure next to its bare
# Go twin measured by the same script:
#   1. whole-process peak RSS (/usr/bin/time -v) of pool,semaphore at 300k
#      and 3M tasks of a 1 ms sleep, concurrency 1000, and what the cells
#      report themselves; then each cell alone at 3M, its own figure
#      against /usr/bin/time's;
#   2. unbounded at 1M tasks of a 10 ms sleep against a bare goroutine per
#      task: RSS and wall;
#   3. pool wall per task above ideal at 1M tasks of 10 ms, median of 3,
#      beside the bare channel pool's in the same rounds;
#   4. open loop 1000/s of 0 s tasks under pool 8: send lateness and
#      corrected latency, median of 5, beside the OS's own sleep at the
#      same rate, alternated (how late this machine wakes a thread);
#      then 20,000/s against nginx (if installed) under pool 64:
#      concbench's CPU per request, pacer included;
#   5. worker start-up of the concbench binary (process, concurrency 1,
#      its workers from concbench-worker) against a minimal Go program that
#      execs and answers on a pipe, median of 20 alternated; then 100,000
#      empty tasks dispatched through 2 worker processes against the bare
#      pipe echo twin (BenchmarkProcessDispatch, the same rounds), and
#      with every index sent over the pipe as the twin sends them;
#   6. HTTP load generation against wrk, hey, vegeta and autocannon:
#      scripts/vs-wrk.sh, for the tools installed (skipped with a note).
# usage: scripts/perf.sh [--quick]   (--quick: 1 round each, 100k/1M tasks)
# Needs go, /usr/bin/time and jq. Takes about 5 minutes on 2 cores.
#
# No reader runs beside a measured run: each run writes its document to a
# file that jq reads after it. `concbench run | jq` starts jq with it, and
# on 2 cores jq's own start-up took the CPU a worker needed while it
# started (start-up median 1.7-1.9 ms piped, 1.38-1.41 ms written to a
# file first, against 1.35-1.45 ms for the minimal program; 2026-12-03).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}
rounds=3 pacer_rounds=5 startups=20 small=300000 big=3000000 unb=1000000
if [ "$quick" = --quick ]; then rounds=1 pacer_rounds=1 startups=5 small=100000 big=1000000 unb=200000; fi

tmp=$(mktemp -d)
trap 'kill "${nginx_pid:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
# The binaries as `go install ./cmd/...` puts them: concbench starts its
# workers from concbench-worker beside it (section 5); concbench-plot,
# which draws charts, is not started here.
go build -o "$tmp/" ./cmd/...
cb=$tmp/concbench
# The bare twins are built as concbench is: the same toolchain and the
# same go line as its go.mod. The go line alone moves a program's figures
# (the goroutine-per-task twin ran 4-7% faster under "go 1.24" than under
# concbench's "go 1.26.8" on 2026-12-03, its GODEBUG defaults matched),
# so a twin of another go line measures the line, not the harness.
goline=$(awk '$1 == "go" {print $2; exit}' go.mod)

echo "# concbench performance, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "commit $(git rev-parse --short HEAD); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(go version | cut -d' ' -f3)"
echo "load at start: $(uptime | sed 's/.*load average: //')"
echo

# maxrss COMMAND... prints "RSS_KiB WALL_S" of the command, its output to $tmp/out
maxrss() {
  /usr/bin/time -f '%M %e' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
  cat "$tmp/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "## 1. Memory does not grow with the task count"
echo "| tasks | process peak RSS | pool cell rss | semaphore cell rss | recorder peak |"
echo "| --- | --- | --- | --- | --- |"
for n in $small $big; do
  read -r kib _ < <(maxrss "$cb" run --workload sleep --latency 1ms --strategies pool,semaphore --concurrency 1000 --tasks "$n" -q --format json)
  jq -r --arg n "$n" --arg kib "$kib" '"| \($n) | \($kib|tonumber/1024|floor) MiB | \(.runs[0].memory.peak_rss_bytes/1048576|floor) MiB | \(.runs[1].memory.peak_rss_bytes/1048576|floor) MiB | \([.runs[].memory.recorder_peak_bytes // 0]|max/1048576*10|floor/10) MiB |"' "$tmp/out"
  echo "$kib" >>"$tmp/rss"
done
awk 'NR==1{a=$1} NR==2{b=$1} END {printf "ratio %d/%d tasks: %.2fx (goal <= 1.2x, and under 64 MiB)\n", '"$big"', '"$small"', b/a}' "$tmp/rss"
# Each cell alone: what it reports against what /usr/bin/time saw of the
# whole process that ran only it.
for s in pool semaphore; do
  read -r kib _ < <(maxrss "$cb" run --workload sleep --latency 1ms --strategies "$s" --concurrency 1000 --tasks "$big" -q --format json)
  jq -r --arg kib "$kib" --arg s "$s" '.runs[0].memory | "\($s) alone at '"$big"' tasks: the cell reports \(.peak_rss_bytes/1048576*10|floor/10) MiB (\(.peak_rss_scope // "the cell")), /usr/bin/time \($kib|tonumber/1024*10|floor/10) MiB: \((.peak_rss_bytes/1024/($kib|tonumber) - 1)*1000|round/10)% (goal within 15%)"' "$tmp/out"
done
echo

echo "## 2. Unbounded against a bare goroutine per task ($unb tasks of 10 ms)"
mkdir -p "$tmp/bare"
cat >"$tmp/bare/main.go" <<'EOF'
package main

import (
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() { defer wg.Done(); time.Sleep(10 * time.Millisecond) }()
	}
	wg.Wait()
}
EOF
(cd "$tmp/bare" && printf 'module bare\n\ngo %s\n' "$goline" >go.mod && go build -o bare .)
echo "| round | concbench RSS | bare RSS | concbench wall | bare wall |"
echo "| --- | --- | --- | --- | --- |"
# Five rounds: the bare program's own peak RSS moved between 109 and 148
# MiB from one run to the next on 2026-12-03 (its peak of live goroutines
# follows the host), and three rounds' mean moved with it.
for r in $(seq "$pacer_rounds"); do
  read -r ck cw < <(maxrss "$cb" run --workload sleep --latency 10ms --strategies unbounded --tasks "$unb" -q --format json)
  read -r bk bw < <(maxrss "$tmp/bare/bare" "$unb")
  echo "| $r | $((ck / 1024)) MiB | $((bk / 1024)) MiB | ${cw}s | ${bw}s |"
  echo "$ck $bk $cw $bw" >>"$tmp/unb"
done
awk '{r+=$1/$2; w+=$3/$4} END {printf "mean ratios: RSS %.2fx (goal <= 1.3x), wall %.2fx (goal <= 1.2x)\n\n", r/NR, w/NR}' "$tmp/unb"

echo "## 3. Pool wall per task above ideal (1M tasks of 10 ms, concurrency 1000)"
# Beside each run, the bare channel pool (internal/bare, as
# BenchmarkOverhead runs it) on the same sleeps: the goal is an absolute
# figure, and most of it is how late the runtime wakes a sleeper (its
# poller sleeps in whole milliseconds), which the twin shows for this
# host at this moment.
go build -o "$tmp/barepool" ./scripts/bare
for r in $(seq "$rounds"); do
  "$cb" run --workload sleep --latency 10ms --strategies pool --concurrency 1000 --tasks 1000000 -q --format json >"$tmp/out"
  jq -r '.runs[0] | (.wall_seconds - .ideal_seconds) / .tasks * 1e6' "$tmp/out" >>"$tmp/pool"
  "$tmp/barepool" -strategy pool -tasks 1000000 -conc 1000 >>"$tmp/poolbare"
done
printf 'median of %d: %.3f µs per task (goal <= 0.75); the bare pool %.3f µs\n\n' "$rounds" "$(median <"$tmp/pool")" "$(median <"$tmp/poolbare")"

echo "## 4. Open loop, 1000/s of 0 s tasks, pool 8, 5 s (median of $pacer_rounds)"
# The pacer's bare twin: the OS's own sleep, 1000 absolute-time
# clock_nanosleep wake-ups a second for 5 s on a locked thread with 1 ns
# timer slack, no busy wait: how late this machine wakes a thread. Each
# round runs it right after concbench, so both come from the same moments.
ossleep=
if [ "$(uname)" = Linux ]; then
  mkdir -p "$tmp/ossleep"
  cat >"$tmp/ossleep/main.go" <<'GO'
package main

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	runtime.LockOSThread()
	syscall.Syscall(syscall.SYS_PRCTL, 29, 1, 0) // PR_SET_TIMERSLACK: 1 ns
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0) // CLOCK_MONOTONIC
	base, start := ts.Nano(), time.Now()
	var late []float64
	for k := 1; k <= 5000; k++ {
		due := time.Duration(k) * time.Millisecond
		abs := syscall.NsecToTimespec(base + int64(due))
		for {
			_, _, e := syscall.Syscall6(syscall.SYS_CLOCK_NANOSLEEP, 1, 1, uintptr(unsafe.Pointer(&abs)), 0, 0, 0) // TIMER_ABSTIME
			if e != syscall.EINTR {
				break
			}
		}
		late = append(late, float64(time.Since(start)-due)/1e3)
	}
	slices.Sort(late)
	fmt.Printf("%.0f %.0f\n", late[len(late)/2], late[len(late)*99/100])
}
GO
  (cd "$tmp/ossleep" && printf 'module ossleep\n\ngo %s\n' "$goline" >go.mod && go build -o ossleep .)
  ossleep=$tmp/ossleep/ossleep
fi
: >"$tmp/os"
for r in $(seq "$pacer_rounds"); do
  "$cb" run --workload sleep --latency 0s --rate 1000 --duration 5s --strategies pool --concurrency 8 -q --format json >"$tmp/out"
  jq -r '.runs[0].open_loop | [.send_lateness_seconds.p50, .send_lateness_seconds.p99, .corrected_latency_seconds.p50, .corrected_latency_seconds.p99] | map(. * 1e6) | @tsv' "$tmp/out" >>"$tmp/ol"
  [ -z "$ossleep" ] || "$ossleep" >>"$tmp/os"
done
for c in 1 2 3 4; do cut -f$c "$tmp/ol" | median; done | paste -sd' ' |
  awk '{printf "send lateness p50 %.0f µs (goal <= 50), p99 %.0f µs (<= 200); corrected p50 %.0f µs (<= 150), p99 %.0f µs (<= 500)\n", $1, $2, $3, $4}'
if [ -s "$tmp/os" ]; then
  for c in 1 2; do cut -d' ' -f$c "$tmp/os" | median; done | paste -sd' ' |
    awk '{printf "the OS sleep alone (no busy wait), alternated with those runs: late p50 %.0f µs, p99 %.0f µs\n", $1, $2}'
fi
echo

echo "## 4b. Open loop, 20,000/s against nginx, pool 64, 5 s: generator CPU per request (median of $pacer_rounds)"
# CPU is the whole concbench process's (user + system, /usr/bin/time),
# pacer included, over the requests it made.
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  mkdir -p "$tmp/nginx" && chmod 755 "$tmp" "$tmp/nginx" # nginx's workers may run as nobody
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $tmp/nginx/error.log;
pid $tmp/nginx/nginx.pid;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server { listen 127.0.0.1:$port; location / { return 200 "ok\n"; } }
}
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 100); do (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
  for r in $(seq "$pacer_rounds"); do
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$cb" run --workload http --url "http://127.0.0.1:$port/" --rate 20000 --duration 5s --strategies pool --concurrency 64 -q --format json >"$tmp/out"
    jq -r --arg cpu "$(awk '{print $1 + $2}' "$tmp/time")" '.runs[0] | [($cpu|tonumber) / .tasks * 1e6, .open_loop.rate_achieved_per_s, (.open_loop.send_lateness_seconds.p99 // 0) * 1e6] | @tsv' "$tmp/out"
  done >"$tmp/ng"
  kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true
  unset nginx_pid # the EXIT trap must not kill whatever has that pid by then
  for c in 1 2 3; do cut -f$c "$tmp/ng" | median; done | paste -sd' ' |
    awk '{printf "CPU %.1f µs per request (goal <= 48), achieved %.0f/s, send lateness p99 %.0f µs\n\n", $1, $2, $3}'
else
  echo "nginx not installed: skipped (apt-get install -y nginx)"
  echo
fi

echo "## 5. Worker start-up (median of $startups)"
mkdir -p "$tmp/mini"
cat >"$tmp/mini/main.go" <<'EOF'
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

// With no argument: exec itself as a child that answers one line on a
// pipe, and print how long exec plus the answer took.
func main() {
	if len(os.Args) > 1 {
		os.Stdout.WriteString("ready\n")
		return
	}
	t := time.Now()
	out, err := exec.Command(os.Args[0], "child").Output()
	if err != nil || string(out) != "ready\n" {
		panic(fmt.Sprint(err, string(out)))
	}
	fmt.Println(time.Since(t).Seconds())
}
EOF
(cd "$tmp/mini" && printf 'module mini\n\ngo %s\n' "$goline" >go.mod && go build -o mini .)
# Alternated, so that both medians come from the same moments of the machine.
for r in $(seq "$startups"); do
  "$cb" run --workload sleep --latency 0s --strategies process --concurrency 1 --tasks 1 -q --format json >"$tmp/out"
  jq -r '.runs[0].processes.startup_seconds' "$tmp/out" >>"$tmp/su.cb"
  "$tmp/mini/mini" >>"$tmp/su.mini"
done
awk -v c="$(median <"$tmp/su.cb")" -v m="$(median <"$tmp/su.mini")" 'BEGIN {printf "concbench worker (concbench-worker) %.1f ms, minimal Go program %.1f ms: %.2fx (goal <= 1.5x)\n", c*1e3, m*1e3, c/m}'
# The quartiles: a machine whose exec and thread start-up come and go in
# bursts (another VM on the host) shows it as a wide spread, which the
# medians' ratio hides.
quartiles() { sort -g | awk '{a[NR]=$1} END {printf "%.1f-%.1f ms", a[int((NR+3)/4)]*1e3, a[int((3*NR+3)/4)]*1e3}'; }
echo "quartiles: concbench $(quartiles <"$tmp/su.cb"), minimal $(quartiles <"$tmp/su.mini")"
echo

echo "## 5b. Dispatch through 2 worker processes (3 x 100000 empty tasks a pass, median of $pacer_rounds rounds)"
# BenchmarkProcessDispatch runs the bare pipe echo twin, then the process
# strategy as it runs (its workers claim the tasks from shared memory on
# Linux), then with every index sent over the pipe as the twin sends
# them; one invocation a round, so each ratio is taken from the same
# moments of the machine. Both pipe sides swing 230k-640k tasks/s with the
# host (2026-12-03), hence three passes a round and five rounds.
go test -c -o "$tmp/root.test" .
for r in $(seq "$pacer_rounds"); do
  "$tmp/root.test" -test.run '^$' -test.bench 'ProcessDispatch/impl=(bare|harness|pipe)/workers=2$' -test.benchtime 3x |
    awk '/impl=bare\/workers=2/ {b=$(NF-1)} /impl=harness\/workers=2/ {h=$(NF-1)} /impl=pipe\/workers=2/ {p=$(NF-1)} END {print h, b, h/b, p, p/b}'
done >"$tmp/disp"
sort -g -k3 "$tmp/disp" | awk '{r[NR]=$0} END {split(r[int((NR+1)/2)], m, " "); printf "process strategy %.0f tasks/s, bare pipe twin %.0f tasks/s: %.2fx (median ratio of %d rounds; goal >= 0.9x)\n", m[1], m[2], m[3], NR}'
sort -g -k5 "$tmp/disp" | awk '{r[NR]=$0} END {split(r[int((NR+1)/2)], m, " "); printf "every index over the pipe (Process.Pipe): %.0f tasks/s, %.2fx the twin (median ratio)\n\n", m[4], m[5]}'

echo "## 6. HTTP load generation against other tools"
missing=()
for t in wrk hey vegeta autocannon; do command -v "$t" >/dev/null || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] || echo "not installed, skipped: ${missing[*]} (vegeta: go install github.com/tsenart/vegeta/v12@latest; autocannon: npm i -g autocannon)"
if command -v wrk >/dev/null && command -v hey >/dev/null; then
  scripts/vs-wrk.sh 5 64 "$rounds"
else
  echo "scripts/vs-wrk.sh needs wrk and hey: skipped"
fi
echo
echo "load at end: $(uptime | sed 's/.*load average: //')"
