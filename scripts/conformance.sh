#!/usr/bin/env bash
# Every HTTP engine against real servers with short keep-alive limits:
# nginx (keepalive_timeout 1s) and Node's http module (keepAliveTimeout
# 100 ms, which Node 20 keeps about 1.1 s). Tasks arrive every 1.4 s (--rate 0.7), so each finds its connection
# closed by the server while idle. For every engine: every task ok, and the
# attempts concbench reports equal the requests the server logged (nginx's
# access log, Node's counter). A server that is not installed is skipped
# with a line saying so. Loopback only. About 15 s per server: the engines
# run at once, each on its own path.
#
#   scripts/conformance.sh [tasks]     (default 8)
#   CONCBENCH=path/to/binary scripts/conformance.sh   (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-8}
engines=(h1 fasthttp std)

tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx's workers may run as nobody
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ -n "${CONCBENCH:-}" ]; then cp "$CONCBENCH" "$tmp/concbench"; else go build -o "$tmp/concbench" ./cmd/concbench; fi
head -c 1000 /dev/zero | tr '\0' x >"$tmp/body"
failed=0

# check SERVER BASE COUNT_CMD: runs every engine at once against BASE/ENGINE
# and compares with COUNT_CMD ENGINE, the server's count for that path.
check() {
	local server=$1 base=$2 count=$3 e
	local -a runs=()
	for e in "${engines[@]}"; do
		"$tmp/concbench" run --workload http --url "$base/$e" --rate 0.7 --tasks "$tasks" \
			--method POST --body-file "$tmp/body" --http-engine "$e" \
			--strategies pool --concurrency "$tasks" -q --format json --out "$tmp/$server-$e.json" >/dev/null &
		runs+=($!)
	done
	for p in "${runs[@]}"; do wait "$p" || { echo "$server: a concbench run failed"; failed=1; }; done
	for e in "${engines[@]}"; do
		local f="$tmp/$server-$e.json" ok attempts seen
		ok=$(grep -o '"ok": *[0-9]*' "$f" | head -1 | grep -o '[0-9]*$' || echo 0)
		attempts=$(grep -o '"attempts": *[0-9]*' "$f" | head -1 | grep -o '[0-9]*$' || echo 0)
		seen=$($count "$e")
		if [ "$ok" = "$tasks" ] && [ "$attempts" = "$seen" ]; then
			echo "$server $e: ok $ok of $tasks, attempts $attempts, server counted $seen"
		else
			echo "$server $e: FAIL: ok $ok of $tasks, attempts $attempts, server counted $seen"
			failed=1
		fi
	done
}

free_port() { # a port nothing listens on, from the kernel's ephemeral range
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (: </dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
	done
	return 1
}

# wait_port PORT: until something listens there (5 s at most).
wait_port() {
	for _ in $(seq 100); do
		(: </dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

if command -v nginx >/dev/null; then
	port=$(free_port)
	mkdir -p "$tmp/nginx"
	cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $tmp/nginx/error.log;
pid $tmp/nginx/nginx.pid;
events { worker_connections 256; }
http {
	access_log $tmp/nginx/access.log;
	keepalive_timeout 1s;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server {
		listen 127.0.0.1:$port;
		location / { return 200 "ok\n"; }
	}
}
CONF
	nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
	pids+=($!)
	wait_port "$port" || { echo "nginx did not start:"; cat "$tmp/nginx/error.log"; exit 1; }
	nginx_count() { grep -c "\"POST /$1 " "$tmp/nginx/access.log" || true; }
	check nginx "http://127.0.0.1:$port" nginx_count
else
	echo "nginx: not installed, skipped (apt-get install -y nginx)"
fi

if command -v node >/dev/null; then
	cat >"$tmp/server.js" <<'JS'
const http = require('http');
const counts = {};
const srv = http.createServer((req, res) => {
	if (req.url === '/__count') { res.end(JSON.stringify(counts)); return; }
	counts[req.url] = (counts[req.url] || 0) + 1;
	req.resume();
	req.on('end', () => res.end('ok\n'));
});
srv.keepAliveTimeout = 100; // Node 20 closes about 1 s later than this
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
JS
	node "$tmp/server.js" >"$tmp/node.port" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$tmp/node.port" ] && break; sleep 0.05; done
	nport=$(cat "$tmp/node.port")
	node_count() {
		# counts is {"/h1":8,...}; ask over a bare HTTP/1.0 request
		exec 3<>/dev/tcp/127.0.0.1/$nport
		printf 'GET /__count HTTP/1.0\r\n\r\n' >&3
		local body
		body=$(cat <&3)
		exec 3<&-
		echo "$body" | grep -o "\"/$1\":[0-9]*" | grep -o '[0-9]*$' || echo 0
	}
	check node "http://127.0.0.1:$nport" node_count
else
	echo "node: not installed, skipped"
fi

exit $failed
