#!/usr/bin/env bash
# Compares concbench's HTTP load generation with wrk and hey (and vegeta
# and autocannon where installed) on the same loopback server (concbench
# serve) and the same connection count.
#   usage: [ENGINES="h1 fasthttp std"] scripts/vs-wrk.sh [seconds per run, default 5] [connections, default 64] [rounds, default 3]
# Installs wrk and hey from Debian's packages if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-5}
conns=${2:-64}
rounds=${3:-3}

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hey >/dev/null || need+=(hey)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi
export PATH=$PATH:/usr/sbin:/usr/lib/go/bin:$(go env GOPATH)/bin

tmp=$(mktemp -d)
trap 'kill "${serve_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/concbench" ./cmd/concbench

"$tmp/concbench" serve >"$tmp/addrs" 2>"$tmp/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q '^tcp=' "$tmp/addrs" 2>/dev/null && break; sleep 0.05; done
http=$(sed -n 's/^http=//p' "$tmp/addrs")
[ -n "$http" ] || { echo "concbench serve did not start: $(cat "$tmp/serve.err")" >&2; exit 1; }

# seconds -> milliseconds, for wrk's "12.34ms" / "1.2s" / "800.00us" and hey's seconds
to_ms() { awk -v v="$1" 'BEGIN {
  if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
  else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
  else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
  else print v * 1000 }'; }

# The tools take turns, round after round, so that a noisy spell on this
# shared machine hits each of them alike, and the order rotates each round
# so that none always follows another; the ratios are of the medians.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ENGINES="h1 fasthttp" runs concbench once per engine in each round.
# vegeta and autocannon join the rounds where installed (go install
# github.com/tsenart/vegeta/v12@latest; npm i -g autocannon).
tools=(wrk hey)
for t in vegeta autocannon; do
  if command -v "$t" >/dev/null; then tools+=("$t"); else echo "$t not installed: left out" >&2; fi
done
for e in ${ENGINES:-h1}; do tools+=("concbench/$e"); done

# one_run TOOL URL appends "TOOL req/s p99-ms errors" to $tmp/rows
one_run() {
  local tool=$1 url=$2
  case $tool in
  wrk)
    wrk -t2 -c"$conns" -d"${dur}s" --latency "$url" >"$tmp/wrk"
    echo "wrk $(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk") $(to_ms "$(awk '$1 == "99%" {print $2}' "$tmp/wrk")") 0" >>"$tmp/rows" ;;
  hey)
    hey -z "${dur}s" -c "$conns" "$url" >"$tmp/hey"
    echo "hey $(awk '/Requests\/sec:/ {print $2}' "$tmp/hey") $(to_ms "$(awk '$1 == "99%%" || $1 == "99%" {print $3}' "$tmp/hey")") 0" >>"$tmp/rows" ;;
  vegeta)
    # closed loop as the others: -rate=0 with a fixed set of workers
    echo "GET $url" | vegeta attack -rate=0 -workers="$conns" -max-workers="$conns" -duration="${dur}s" |
      vegeta report -type=json >"$tmp/vegeta.json"
    echo "vegeta $(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["throughput"], r["latencies"]["99th"] / 1e6, r["requests"] - round(r["success"] * r["requests"]))' "$tmp/vegeta.json")" >>"$tmp/rows" ;;
  autocannon)
    autocannon -c "$conns" -d "$dur" --json "$url" >"$tmp/ac.json" 2>/dev/null
    echo "autocannon $(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["requests"]["average"], r["latency"]["p99"], r["errors"] + r["timeouts"])' "$tmp/ac.json")" >>"$tmp/rows" ;;
  concbench/*)
    "$tmp/concbench" run --workload http --http-engine "${tool#concbench/}" --url "$url" --duration "${dur}s" \
        --strategies pool --concurrency "$conns" -q --format json >"$tmp/cb.json"
    echo "$tool $(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
o = r["outcomes"]
print(r["throughput_per_s"], r["latency_seconds"]["p99"] * 1000, o["error"] + o["timeout"])' "$tmp/cb.json")" >>"$tmp/rows" ;;
  esac
}

printf '%-12s %-18s %10s %8s   (medians of %d rounds of %ss, %d connections; order rotates each round)\n' \
  endpoint tool "req/s" "p99 ms" "$rounds" "$dur" "$conns"
for path in / /delay/10ms; do
  url="http://$http$path"
  # warm the server's connection handling once
  wrk -t2 -c"$conns" -d1s "$url" >/dev/null
  : >"$tmp/rows"
  for round in $(seq 0 $((rounds - 1))); do
    for k in $(seq 0 $((${#tools[@]} - 1))); do
      one_run "${tools[$(((round + k) % ${#tools[@]}))]}" "$url"
    done
  done
  for tool in "${tools[@]}"; do
    rps=$(awk -v t="$tool" '$1 == t {print $2}' "$tmp/rows" | median)
    p99=$(awk -v t="$tool" '$1 == t {print $3}' "$tmp/rows" | median)
    errs=$(awk -v t="$tool" '$1 == t {n += $4} END {print n + 0}' "$tmp/rows")
    printf '%-12s %-18s %10.0f %8.2f   (all rounds: %s req/s; errors: %s)\n' "$path" "$tool" "$rps" "$p99" \
      "$(awk -v t="$tool" '$1 == t {printf "%s%.0f", sep, $2; sep = ", "}' "$tmp/rows")" "$errs"
    echo "$tool $rps $p99" >>"$tmp/medians"
  done
  read -r _ w_rps w_p99 < <(grep '^wrk ' "$tmp/medians")
  read -r _ h_rps _ < <(grep '^hey ' "$tmp/medians")
  v_rps=$(awk '$1 == "vegeta" {print $2}' "$tmp/medians")
  a_rps=$(awk '$1 == "autocannon" {print $2}' "$tmp/medians")
  while read -r tool c_rps c_p99; do
    case $tool in concbench/*) ;; *) continue ;; esac
    awk -v t="$tool" -v c="$c_rps" -v w="$w_rps" -v h="$h_rps" -v v="$v_rps" -v a="$a_rps" -v cp="$c_p99" -v wp="$w_p99" -v p="$path" \
      'BEGIN { printf "%-12s %-18s ratios: /wrk %.2fx, /hey %.2fx", p, t, c / w, c / h
               if (v != "") printf ", /vegeta %.2fx", c / v
               if (a != "") printf ", /autocannon %.2fx", c / a
               printf ", p99 /wrk %.2fx\n", cp / wp }'
  done <"$tmp/medians"
  rm "$tmp/medians"
  echo
done
