#!/usr/bin/env bash
# curl the httpbin endpoints of `concbench serve` and of Debian's
# python3-httpbin side by side: status, Content-Type and the JSON keys of
# each answer, one line per endpoint, and a final count of differences.
# TestAgainstHTTPBin (target/) checks the same and more from Go; this is
# the by-hand check with an ordinary client. Loopback only.
#
#   scripts/vs-httpbin.sh            # needs python3-httpbin (apt-get install python3-httpbin)
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 -c 'import httpbin.core' 2>/dev/null || { echo "python3-httpbin is not installed" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/concbench" ./cmd/concbench
"$tmp/concbench" serve --http-addr 127.0.0.1:0 > "$tmp/addrs" & pids+=($!)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m httpbin.core --host 127.0.0.1 --port "$port" > "$tmp/httpbin.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do
  grep -q '^http=' "$tmp/addrs" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$port/get" && break
  sleep 0.1
done
ours=$(sed -n 's/^http=//p' "$tmp/addrs")
theirs="127.0.0.1:$port"

keys() { /usr/bin/python3 -c '
import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
try:
    lines = [json.loads(text)]          # one document, however indented
except Exception:
    try:
        lines = [json.loads(l) for l in text.splitlines() if l.strip()]   # /stream: one per line
    except Exception:
        print("-"); sys.exit()
def k(v):
    if isinstance(v, dict): return "{" + ",".join(f"{x}:{k(v[x])}" for x in sorted(v)) + "}"
    if isinstance(v, list): return "[" + ",".join(k(x) for x in v) + "]"
    return ""
print(len(lines), k(lines[0]) if lines else "")' "$1"; }

diffs=0
while read -r method path data; do
  args=(-s -X "$method" -o "$tmp/body" -w '%{http_code} %{content_type}')
  [ -n "${data:-}" ] && args+=(-H 'Content-Type: application/json' -d "$data")
  a="$(curl "${args[@]}" "http://$ours$path") $(keys "$tmp/body")"
  b="$(curl "${args[@]}" "http://$theirs$path") $(keys "$tmp/body")"
  if [ "$a" = "$b" ]; then mark="same"; else mark="DIFFERENT"; diffs=$((diffs + 1)); fi
  printf '%-9s %-6s %-32s %s\n' "$mark" "$method" "$path" "${a:0:90}"
  [ "$mark" = same ] || printf '%-9s %-6s %-32s %s\n' "" "" "httpbin:" "${b:0:90}"
done <<'EOF'
GET /delay/1
GET /delay/0.5?x=1
GET /status/200
GET /status/500
GET /status/418
GET /status/302
GET /status/200:0,503:1
GET /status/abc
GET /get?lesson=gather&lesson=semaphore
POST /post {"task":1}
PUT /put {"task":1}
PATCH /patch {"task":1}
DELETE /delete
GET /anything/a/b?c=d
POST /anything {"a":[1,2]}
GET /headers
GET /user-agent
GET /ip
GET /uuid
GET /bytes/100
GET /stream/3
GET /drip?duration=0.5&numbytes=5
EOF
echo "$diffs different (/json is not in python3-httpbin 0.7.0: see TestJSONFixture)"
[ "$diffs" = 0 ]
