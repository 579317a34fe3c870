package target

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The httpbin endpoints: the target answers the requests of code written
// against httpbin.org (https://httpbin.org) with the same statuses,
// content types and JSON shapes, on loopback. Where httpbin's answer is
// random (a uuid, a weighted status) so is the target's; where the target
// needs a bound httpbin does not have, a request beyond it gets a 400.

// MaxHTTPBinDelay is httpbin's cap on /delay/{seconds}: a larger number of
// seconds waits this long. Durations with a unit (/delay/10ms) are the
// target's own form and are capped at MaxDelay instead.
const MaxHTTPBinDelay = 10 * time.Second

// MaxDrip bounds /drip's numbytes, as httpbin does.
const MaxDrip = 10 << 20

// httpbinRoutes registers the httpbin endpoints on mux, each wrapped in count.
func httpbinRoutes(mux *http.ServeMux, count func(http.HandlerFunc) http.HandlerFunc) {
	reg := func(pattern string, h http.HandlerFunc) { mux.HandleFunc(pattern, count(cors(h))) }
	// /delay sets httpbin's headers itself: its load-generation form
	// answers as / does.
	mux.HandleFunc("/delay/{d}", count(handleDelay))
	// GET-style endpoints, which do not read the body.
	reg("GET /get", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, echo(r).dict("url", "args", "headers", "origin"))
	})
	reg("GET /headers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, echo(r).dict("headers"))
	})
	reg("GET /ip", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, echo(r).dict("origin"))
	})
	reg("GET /user-agent", func(w http.ResponseWriter, r *http.Request) {
		var ua any // null when the client sent none, as httpbin has it
		if v := r.Header.Values("User-Agent"); len(v) > 0 {
			ua = strings.Join(v, ",")
		}
		writeJSON(w, http.StatusOK, map[string]any{"user-agent": ua})
	})
	reg("GET /uuid", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"uuid": uuid4()})
	})
	reg("GET /json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(slideshow)
	})
	// Endpoints that echo the body.
	withBody := func(keys ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			e, err := readBody(w, r)
			if err != nil {
				bodyError(w, err)
				return
			}
			writeJSON(w, http.StatusOK, e.dict(keys...))
		}
	}
	sent := []string{"url", "args", "form", "data", "origin", "headers", "files", "json"}
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		reg(m+" /"+strings.ToLower(m), withBody(sent...))
	}
	anything := withBody(append(sent, "method")...)
	reg("/anything", anything)
	reg("/anything/{rest...}", anything)
	reg("/status/{codes}", handleStatus)
	reg("/bytes/{n}", handleBytes)
	reg("GET /stream/{n}", handleStream)
	reg("GET /drip", handleDrip)
}

// cors wraps h in setCORS.
func cors(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setCORS(w, r)
		h(w, r)
	}
}

// setCORS sets the headers httpbin sets on every answer.
func setCORS(w http.ResponseWriter, r *http.Request) {
	o := r.Header.Get("Origin")
	if o == "" {
		o = "*"
	}
	w.Header().Set("Access-Control-Allow-Origin", o)
	w.Header().Set("Access-Control-Allow-Credentials", "true")
}

// parseDelay reads the d of /delay/{d}. A bare number (1, 0.5) is seconds
// and gets httpbin's answer, capped at MaxHTTPBinDelay as httpbin caps it;
// a duration with a unit (10ms, 1.5s) is the target's own cheaper form,
// uncapped up to MaxDelay.
func parseDelay(s string) (d time.Duration, bare bool, err error) {
	if f, ferr := strconv.ParseFloat(s, 64); ferr == nil {
		if math.IsNaN(f) || f < 0 {
			return 0, true, fmt.Errorf("delay %q: want a number of seconds, at least 0", s)
		}
		return time.Duration(min(f, MaxHTTPBinDelay.Seconds()) * float64(time.Second)), true, nil
	}
	d, err = time.ParseDuration(s)
	if err != nil || d < 0 || d > MaxDelay {
		return 0, false, fmt.Errorf("delay %q: want seconds (e.g. /delay/1, at most 10 counted) or a duration from 0 to %v (e.g. /delay/10ms)", s, MaxDelay)
	}
	return d, false, nil
}

// handleDelay answers after the delay in the path, plus or minus a uniform
// ?jitter=, or not at all if the client goes away first.
func handleDelay(w http.ResponseWriter, r *http.Request) {
	d, bare, err := parseDelay(r.PathValue("d"))
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	if j := r.URL.Query().Get("jitter"); j != "" {
		jd, err := time.ParseDuration(j)
		if err != nil || jd < 0 || jd > MaxDelay {
			badRequest(w, "jitter %q: want a duration from 0 to %v", j, MaxDelay)
			return
		}
		d += time.Duration((2*mrand.Float64() - 1) * float64(jd))
	}
	if !bare {
		// The load-generation form: as cheap to answer as /.
		if !pause(r.Context(), d) {
			abort()
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write(helloBody)
		return
	}
	setCORS(w, r)
	e, err := readBody(w, r)
	if err != nil {
		bodyError(w, err)
		return
	}
	if !pause(r.Context(), d) {
		abort()
	}
	writeJSON(w, http.StatusOK, e.dict("url", "args", "form", "data", "origin", "headers", "files"))
}

// abort ends a request whose context ended before its answer began (the
// client left, or the server is closing): the connection is closed with
// no response, so a client cut off sees an error, never an empty 200.
func abort() { panic(http.ErrAbortHandler) }

// pause waits for d and reports whether it did: false if ctx ended first.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// choice is one code of /status/{codes} and its weight.
type choice struct {
	code   int
	weight float64
}

// parseCodes reads /status/{codes}: one code, or a comma-separated list
// of codes with optional weights (200:3,500:1), as httpbin has them.
// Codes are 200-599: Go sends no 1xx as a final status.
func parseCodes(s string) ([]choice, error) {
	var out []choice
	total := 0.0
	for part := range strings.SplitSeq(s, ",") {
		c, w, weighted := strings.Cut(part, ":")
		code, err := strconv.Atoi(c)
		if err != nil || code < 200 || code > 599 {
			return nil, fmt.Errorf("Invalid status code %q: want 200-599", c)
		}
		weight := 1.0
		if weighted {
			weight, err = strconv.ParseFloat(w, 64)
			if err != nil || !(weight >= 0) || math.IsInf(weight, 0) {
				return nil, fmt.Errorf("Invalid status code weight %q: want a number, at least 0", w)
			}
		}
		total += weight
		out = append(out, choice{code, weight})
	}
	if !(total > 0) {
		return nil, fmt.Errorf("Invalid status code weights: all are 0")
	}
	return out, nil
}

// pick returns the code whose share of the total weight holds u, for u in
// [0, 1): a weighted random choice when u is uniform. A code of weight 0
// is never picked.
func pick(cs []choice, u float64) int {
	total := 0.0
	for _, c := range cs {
		total += c.weight
	}
	x := u * total
	for _, c := range cs {
		if x < c.weight {
			return c.code
		}
		x -= c.weight
	}
	for i := len(cs) - 1; ; i-- { // rounding left x at the top: the last weighted code
		if cs[i].weight > 0 {
			return cs[i].code
		}
	}
}

func handleStatus(w http.ResponseWriter, r *http.Request) {
	cs, err := parseCodes(r.PathValue("codes"))
	if err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintln(w, err)
		return
	}
	code := cs[0].code
	if len(cs) > 1 {
		code = pick(cs, mrand.Float64())
	}
	writeStatus(w, code)
}

// teapot is httpbin's answer to /status/418.
const teapot = `
    -=[ teapot ]=-

       _...._
     .'  _ _ ` + "`" + `.
    | ."` + "`" + ` ^ ` + "`" + `". _,
    \_;` + "`" + `"---"` + "`" + `|//
      |       ;/
      \_     _/
        ` + "`" + `"""` + "`" + `
`

// writeStatus answers with code as httpbin does: an empty HTML body, but
// for the codes it dresses up (redirects, auth challenges, 406, 418),
// whose answers carry their own headers and no Content-Type.
func writeStatus(w http.ResponseWriter, code int) {
	h := w.Header()
	body := ""
	switch code {
	case 301, 302, 303, 305, 307:
		h.Set("Location", "/redirect/1")
	case 304:
	case 401:
		h.Set("WWW-Authenticate", `Basic realm="Fake Realm"`)
	case 402:
		h.Set("X-More-Info", "http://vimeo.com/22053820")
		body = "Payment required."
	case 406:
		h.Set("Content-Type", "application/json")
		body = `{"message": "Client did not request a supported media type.", "accept": ["image/webp", "image/svg+xml", "image/jpeg", "image/png", "image/*"]}`
	case 407:
		h.Set("Proxy-Authenticate", `Basic realm="Fake Realm"`)
	case 418:
		h.Set("X-More-Info", "http://tools.ietf.org/html/rfc2324")
		body = teapot
	default:
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	if h.Get("Content-Type") == "" {
		h["Content-Type"] = nil // no sniffed type: httpbin sends none
	}
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// handleStream sends min(n, 100) JSON lines, each the /get answer with an
// id, flushed one by one.
func handleStream(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		badRequest(w, "stream %q: want a number of messages (at most 100 are sent)", r.PathValue("n"))
		return
	}
	msg := echo(r).dict("url", "args", "headers", "origin")
	w.Header().Set("Content-Type", "application/json")
	f, _ := w.(http.Flusher)
	for i := range min(n, 100) {
		msg["id"] = i
		b, _ := json.Marshal(msg)
		if _, err := w.Write(append(b, '\n')); err != nil {
			return
		}
		if f != nil {
			f.Flush()
		}
	}
}

// query returns the query parameter name, case-insensitively as httpbin
// reads /drip's, or def.
func query(r *http.Request, name, def string) string {
	for k, v := range r.URL.Query() {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return def
}

// handleDrip sends numbytes asterisks spread evenly over duration seconds
// after delay seconds, with status code, as httpbin's /drip does.
func handleDrip(w http.ResponseWriter, r *http.Request) {
	seconds := func(name, def string) (time.Duration, bool) {
		s := query(r, name, def)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0) || f > MaxDelay.Seconds() {
			badRequest(w, "drip %s %q: want seconds from 0 to %v", name, s, MaxDelay.Seconds())
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	}
	duration, ok := seconds("duration", "2")
	if !ok {
		return
	}
	delay, ok := seconds("delay", "0")
	if !ok {
		return
	}
	n, err := strconv.Atoi(query(r, "numbytes", "10"))
	if err != nil || n <= 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte("number of bytes must be positive"))
		return
	}
	n = min(n, MaxDrip)
	code, err := strconv.Atoi(query(r, "code", "200"))
	if err != nil || code < 200 || code > 599 {
		badRequest(w, "drip code %q: want 200-599", query(r, "code", "200"))
		return
	}
	if !pause(r.Context(), delay) {
		abort()
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(code)
	drip(r.Context(), w, n, duration)
}

// drip writes n asterisks, the first at once and the last after
// duration (byte k at k·duration/(n-1)), so that the answer takes duration
// as httpbin's does; it writes what is due at each wake-up rather than
// sleeping per byte.
func drip(ctx context.Context, w http.ResponseWriter, n int, duration time.Duration) {
	stars := []byte(strings.Repeat("*", 4096))
	f, _ := w.(http.Flusher)
	start := time.Now()
	var gap time.Duration
	if n > 1 {
		gap = duration / time.Duration(n-1)
	}
	for sent := 0; sent < n; {
		due := n
		if gap > 0 {
			due = min(n, int(time.Since(start)/gap)+1)
		}
		for sent < due {
			k := min(len(stars), due-sent)
			if _, err := w.Write(stars[:k]); err != nil {
				return
			}
			sent += k
		}
		if f != nil {
			f.Flush()
		}
		if sent < n && !pause(ctx, time.Until(start.Add(time.Duration(sent)*gap))) {
			return
		}
	}
}

// uuid4 returns a random version 4 UUID.
func uuid4() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// slideshow is httpbin.org's /json (httpbin 0.7.0 has no /json).
var slideshow = []byte(`{
  "slideshow": {
    "author": "Yours Truly",
    "date": "date of publication",
    "slides": [
      {
        "title": "Wake up to WonderWidgets!",
        "type": "all"
      },
      {
        "items": [
          "Why <em>WonderWidgets</em> are great",
          "Who <em>buys</em> WonderWidgets"
        ],
        "title": "Overview",
        "type": "all"
      }
    ],
    "title": "Sample Slide Show"
  }
}
`)
