package target

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDelay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bare bool
		bad  bool
	}{
		{in: "1", want: time.Second, bare: true},
		{in: "0.25", want: 250 * time.Millisecond, bare: true},
		{in: "0", want: 0, bare: true},
		{in: "10", want: 10 * time.Second, bare: true},
		{in: "11", want: 10 * time.Second, bare: true}, // httpbin's cap
		{in: "1e9", want: 10 * time.Second, bare: true},
		{in: "inf", want: 10 * time.Second, bare: true},
		{in: "10ms", want: 10 * time.Millisecond},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: "30s", want: 30 * time.Second}, // a unit: not capped at 10 s
		{in: "-1", bad: true},
		{in: "NaN", bad: true},
		{in: "-5ms", bad: true},
		{in: "2h", bad: true},
		{in: "soon", bad: true},
	} {
		d, bare, err := parseDelay(tc.in)
		if (err != nil) != tc.bad || err == nil && (d != tc.want || bare != tc.bare) {
			t.Errorf("parseDelay(%q) = %v, %v, %v; want %v, %v, bad %v", tc.in, d, bare, err, tc.want, tc.bare, tc.bad)
		}
	}
}

func TestStatusChoice(t *testing.T) {
	for _, tc := range []struct {
		codes string
		u     []float64 // draws in [0, 1)
		want  []int     // the code each draw picks
	}{
		{"500", []float64{0, 0.99}, []int{500, 500}},
		{"200,500", []float64{0, 0.49, 0.5, 0.99}, []int{200, 200, 500, 500}},
		{"200:3,500:1", []float64{0, 0.74, 0.75, 0.9999}, []int{200, 200, 500, 500}},
		{"200:0,503:1", []float64{0, 0.5, 0.9999}, []int{503, 503, 503}},
		{"418:1,500:0", []float64{0, 0.9999999999}, []int{418, 418}},
		{"200:0.5,201:0.25,202:0.25", []float64{0.49, 0.5, 0.76}, []int{200, 201, 202}},
	} {
		cs, err := parseCodes(tc.codes)
		if err != nil {
			t.Fatalf("%s: %v", tc.codes, err)
		}
		for k, u := range tc.u {
			if got := pick(cs, u); got != tc.want[k] {
				t.Errorf("%s at u=%g: %d, want %d", tc.codes, u, got, tc.want[k])
			}
		}
	}
	for _, bad := range []string{"abc", "200,abc", "99", "600", "200:x", "200:-1", "200:0", ""} {
		if _, err := parseCodes(bad); err == nil {
			t.Errorf("parseCodes(%q) accepted", bad)
		}
	}
}

// TestTimedAnswers checks that the timed endpoints take at least their
// time (an upper bound would depend on the machine's load).
func TestTimedAnswers(t *testing.T) {
	s := start(t)
	for _, tc := range []struct {
		path  string
		least time.Duration
		ctype string
		body  string // a substring
	}{
		{"/delay/0.05?x=1", 50 * time.Millisecond, "application/json", `"x": "1"`},
		{"/delay/30ms", 30 * time.Millisecond, "text/plain", "concbench target"},
		{"/drip?duration=0.06&numbytes=4", 60 * time.Millisecond, "application/octet-stream", "****"},
		{"/drip?duration=0&numbytes=2&delay=0.04", 40 * time.Millisecond, "application/octet-stream", "**"},
	} {
		t0 := time.Now()
		got := do(t, s.HTTPAddr, "GET", tc.path, "", nil)
		if d := time.Since(t0); d < tc.least {
			t.Errorf("%s answered after %v, want at least %v", tc.path, d, tc.least)
		}
		if got.status != 200 || got.headers.Get("Content-Type") != tc.ctype || !strings.Contains(string(got.body), tc.body) {
			t.Errorf("%s: %d %q %q", tc.path, got.status, got.headers.Get("Content-Type"), got.body)
		}
	}
}

// httpbinEnv set to "required" (as .ci/run sets it after installing the
// package) turns a missing python3-httpbin from a skip into a failure.
const httpbinEnv = "CONCBENCH_HTTPBIN"

// startHTTPBin starts Debian's python3-httpbin on a free loopback port and
// returns its address. Debian's python is called by its path: a python3
// earlier on PATH (pyenv, a venv) does not see Debian's packages.
func startHTTPBin(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import httpbin.core").CombinedOutput(); err != nil {
		msg := fmt.Sprintf("python3-httpbin is not installed (%v: %s); `apt-get install python3-httpbin` (as .ci/run does) to compare the target with it", err, bytes.TrimSpace(out))
		if os.Getenv(httpbinEnv) == "required" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	ln.Close()
	cmd := exec.Command(py, "-m", "httpbin.core", "--host", "127.0.0.1", "--port", port)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	// Poll until it answers: a readiness check, not a timing assumption.
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/get")
		if err == nil {
			resp.Body.Close()
			return addr
		}
		select {
		case err := <-exited:
			t.Fatalf("httpbin exited: %v: %s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("httpbin did not answer within 30 s: %s", stderr.String())
		}
	}
}

// exchange is one request and what the comparison reads of its answer.
type exchange struct {
	status  int
	ctype   []string // nil: no Content-Type
	headers http.Header
	body    []byte
}

func do(t *testing.T, addr, method, path, ctype string, body []byte) exchange {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body, req.ContentLength = nil, 0
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-Lesson", "asyncio")
	req.Header.Set("X-Forwarded-Port", "8443") // hidden by both
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return exchange{resp.StatusCode, resp.Header["Content-Type"], resp.Header, b}
}

// keys compares the JSON key sets of a and b, recursively, and returns
// the first difference ("" if none). Values are not compared: a uuid or
// an origin differs between any two servers.
func keys(at string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object against %T", at, b)
		}
		ka, kb := slices.Sorted(maps.Keys(x)), slices.Sorted(maps.Keys(y))
		if !slices.Equal(ka, kb) {
			return fmt.Sprintf("%s: keys %v against %v", at, ka, kb)
		}
		for _, k := range ka {
			if d := keys(at+"."+k, x[k], y[k]); d != "" {
				return d
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: list of %d against %v", at, len(x), b)
		}
		for i := range x {
			if d := keys(fmt.Sprintf("%s[%d]", at, i), x[i], y[i]); d != "" {
				return d
			}
		}
	case nil:
		if b != nil {
			return fmt.Sprintf("%s: null against %v", at, b)
		}
	}
	return ""
}

// jsonLines decodes one JSON value per line (a single document is one).
func jsonLines(b []byte) ([]any, error) {
	var out []any
	d := json.NewDecoder(bytes.NewReader(b))
	for d.More() {
		var v any
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func multipartBody() (string, []byte) {
	var b bytes.Buffer
	m := multipart.NewWriter(&b)
	m.WriteField("lesson", "gather")
	m.WriteField("lesson", "semaphore")
	f, _ := m.CreateFormFile("notes", "notes.txt")
	f.Write([]byte("await asyncio.gather(*tasks)\n"))
	g, _ := m.CreateFormFile("blob", "blob.bin")
	g.Write([]byte{0xff, 0xfe, 0, 1})
	m.Close()
	return m.FormDataContentType(), b.Bytes()
}

// TestAgainstHTTPBin sends the same requests to Debian's python3-httpbin
// and to the target and compares status, Content-Type, httpbin's own
// headers and, for JSON, the set of keys at every level.
func TestAgainstHTTPBin(t *testing.T) {
	bin := startHTTPBin(t)
	ours := start(t).HTTPAddr
	mpType, mpBody := multipartBody()
	type req struct {
		method, path, ctype string
		body                []byte
	}
	get := func(path string) req { return req{method: "GET", path: path} }
	reqs := []req{
		get("/get"), get("/get?a=1&a=2&b=3"), get("/get?show_env=1"),
		get("/headers"), get("/user-agent"), get("/ip"), get("/uuid"),
		{"POST", "/post", "application/json", []byte(`{"task": 1, "tags": ["io", "cpu"]}`)},
		{"POST", "/post?x=1", "application/x-www-form-urlencoded", []byte("a=1&b=2&b=3")},
		{"POST", "/post", mpType, mpBody},
		{"POST", "/post", "text/plain", []byte("not json")},
		{"POST", "/post", "application/octet-stream", []byte{0xff, 0, 0xfe}},
		{"POST", "/post", "", nil},
		{"PUT", "/put", "application/json", []byte(`[1, 2]`)},
		{"PATCH", "/patch", "application/json", []byte(`{"a": null}`)},
		{"DELETE", "/delete", "", nil},
		get("/anything"), get("/anything/a/b?c=d"),
		{"POST", "/anything/x", "application/json", []byte(`{"k": {"nested": true}}`)},
		{"PUT", "/anything", "application/x-www-form-urlencoded", []byte("q=1")},
		get("/delay/0"), get("/delay/0.1?step=1"),
		get("/status/abc"), get("/status/200,abc"), get("/status/200:0,503:1"), get("/status/500,500"),
		{"POST", "/status/201", "", nil}, {"DELETE", "/status/204", "", nil},
		get("/bytes/0"), get("/bytes/1024"),
		get("/stream/0"), get("/stream/3?x=y"), get("/stream/150"),
		get("/drip?duration=0&numbytes=5"), get("/drip?duration=0.1&numbytes=3&code=201"),
		get("/drip?numbytes=0"), get("/drip?duration=0&numbytes=2&delay=0.05"),
	}
	for _, code := range []int{200, 201, 202, 204, 301, 302, 303, 304, 305, 307, 400, 401, 402, 403, 404, 406, 407, 418, 429, 500, 502, 503, 504} {
		reqs = append(reqs, get(fmt.Sprintf("/status/%d", code)))
	}
	for _, r := range reqs {
		name := r.method + " " + r.path
		if r.ctype != "" {
			name += " (" + strings.Split(r.ctype, ";")[0] + ")"
		}
		want := do(t, bin, r.method, r.path, r.ctype, r.body)
		got := do(t, ours, r.method, r.path, r.ctype, r.body)
		if got.status != want.status || !slices.Equal(got.ctype, want.ctype) {
			t.Errorf("%s: %d %q, httpbin %d %q", name, got.status, got.ctype, want.status, want.ctype)
			continue
		}
		for _, h := range []string{"Location", "WWW-Authenticate", "Proxy-Authenticate", "X-More-Info",
			"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
			if g, w := got.headers.Get(h), want.headers.Get(h); g != w {
				t.Errorf("%s: %s %q, httpbin %q", name, h, g, w)
			}
		}
		if len(want.ctype) == 0 || want.ctype[0] != "application/json" {
			same := bytes.Equal(got.body, want.body)
			switch {
			case strings.HasPrefix(r.path, "/bytes"): // random there, deterministic here
				same = len(got.body) == len(want.body)
			case want.status == 400: // the target says more
				same = bytes.HasPrefix(got.body, want.body)
			case want.status == 402: // httpbin's joke, left out
				same = true
			}
			if !same {
				t.Errorf("%s: body %q, httpbin %q", name, trim(got.body), trim(want.body))
			}
			continue
		}
		g, gerr := jsonLines(got.body)
		w, werr := jsonLines(want.body)
		if gerr != nil || werr != nil {
			t.Errorf("%s: JSON %v / httpbin %v", name, gerr, werr)
			continue
		}
		if d := keys("", []any(g), []any(w)); d != "" {
			t.Errorf("%s: %s\n ours:    %s\n httpbin: %s", name, d, trim(got.body), trim(want.body))
		}
	}
}

func trim(b []byte) []byte { return b[:min(len(b), 300)] }

// TestJSONFixture checks /json against httpbin.org's documented shape
// (python3-httpbin 0.7.0 has no /json).
func TestJSONFixture(t *testing.T) {
	fixture, err := os.ReadFile("testdata/httpbin-json.json")
	if err != nil {
		t.Fatal(err)
	}
	got := do(t, start(t).HTTPAddr, "GET", "/json", "", nil)
	var g, w any
	if err := json.Unmarshal(got.body, &g); err != nil || got.status != 200 || !slices.Equal(got.ctype, []string{"application/json"}) {
		t.Fatalf("/json: %d %q %v", got.status, got.ctype, err)
	}
	json.Unmarshal(fixture, &w)
	if d := keys("", g, w); d != "" {
		t.Error(d)
	}
}
