package target

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxBody bounds the request body the httpbin endpoints read: a larger
// one gets a 413, so that no request can make the target allocate without
// limit.
const MaxBody = 16 << 20

// envHeaders are the proxy headers httpbin hides from the headers it
// echoes, unless the query has show_env.
var envHeaders = []string{
	"X-Varnish", "X-Request-Start", "X-Heroku-Queue-Depth", "X-Real-Ip",
	"X-Forwarded-Proto", "X-Forwarded-Protocol", "X-Forwarded-Ssl",
	"X-Heroku-Queue-Wait-Time", "X-Forwarded-For", "X-Heroku-Dynos-In-Use",
	"X-Forwarded-Port", "X-Request-Id", "Via", "Total-Route-Time", "Connect-Time",
}

// echoed is what httpbin says about a request: the fields of its get_dict,
// by their JSON names.
type echoed struct {
	r *http.Request
	// Filled by readBody: the form fields, uploaded files, the raw body
	// (as httpbin's json_safe gives it) and the body parsed as JSON.
	form, files map[string]any
	data        string
	json        any
}

// echo describes r without reading its body (for GET-style endpoints).
func echo(r *http.Request) *echoed {
	return &echoed{r: r, form: map[string]any{}, files: map[string]any{}}
}

// readBody describes r, body included: a form (urlencoded or multipart)
// fills form and files, anything else is data and, if it parses, json.
// It fails with an *http.MaxBytesError if the body exceeds MaxBody.
func readBody(w http.ResponseWriter, r *http.Request) (*echoed, error) {
	e := echo(r)
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		e.form = flatten(r.PostForm)
	case "multipart/form-data":
		if err := r.ParseMultipartForm(MaxBody); err != nil {
			return nil, err
		}
		defer r.MultipartForm.RemoveAll()
		e.form = flatten(r.MultipartForm.Value)
		for name, fhs := range r.MultipartForm.File {
			var vals []string
			for _, fh := range fhs {
				f, err := fh.Open()
				if err != nil {
					return nil, err
				}
				b, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return nil, err
				}
				ct := fh.Header.Get("Content-Type")
				if ct == "" {
					ct = "application/octet-stream"
				}
				vals = append(vals, jsonSafe(b, ct))
			}
			e.files[name] = one(vals)
		}
	default:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		e.data = jsonSafe(b, "application/octet-stream")
		var v any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if d.Decode(&v) == nil && !more(d) {
			e.json = v
		}
	}
	return e, nil
}

// more reports whether d holds more than whitespace after its value.
func more(d *json.Decoder) bool {
	_, err := d.Token()
	return err != io.EOF
}

// dict returns the named fields, as httpbin's get_dict does.
func (e *echoed) dict(keys ...string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		switch k {
		case "url":
			out[k] = e.url()
		case "args":
			out[k] = flatten(e.r.URL.Query())
		case "form":
			out[k] = e.form
		case "data":
			out[k] = e.data
		case "origin":
			out[k] = origin(e.r)
		case "headers":
			out[k] = headers(e.r)
		case "files":
			out[k] = e.files
		case "json":
			out[k] = e.json
		case "method":
			out[k] = e.r.Method
		}
	}
	return out
}

// url is the URL the client asked for, with the scheme a proxy says it
// used.
func (e *echoed) url() string {
	scheme := "http"
	if e.r.TLS != nil {
		scheme = "https"
	}
	h := e.r.Header
	switch {
	case h.Get("X-Forwarded-Proto") != "":
		scheme = h.Get("X-Forwarded-Proto")
	case h.Get("X-Forwarded-Protocol") != "":
		scheme = h.Get("X-Forwarded-Protocol")
	case h.Get("X-Forwarded-Ssl") == "on":
		scheme = "https"
	}
	return scheme + "://" + e.r.Host + e.r.URL.RequestURI()
}

// origin is the client's address: X-Forwarded-For if a proxy set it.
func origin(r *http.Request) string {
	if f := r.Header.Get("X-Forwarded-For"); f != "" {
		return f
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// headers are the request's headers, Host included, without the proxy
// headers httpbin hides (unless ?show_env).
func headers(r *http.Request) map[string]string {
	out := make(map[string]string, len(r.Header)+1)
	for k, v := range r.Header {
		out[k] = strings.Join(v, ",")
	}
	out["Host"] = r.Host
	if !r.URL.Query().Has("show_env") {
		for _, k := range envHeaders {
			delete(out, k)
		}
	}
	return out
}

// flatten turns multi-valued fields into httpbin's shape: a string where
// there is one value, a list where there are several.
func flatten(m map[string][]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = one(v)
	}
	return out
}

func one(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}

// jsonSafe returns b as a string if it is UTF-8, else as a data: URL, as
// httpbin's json_safe does.
func jsonSafe(b []byte, contentType string) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// writeJSON writes v indented, as httpbin.org does, with a final newline.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// bodyError answers a body readBody could not read: 413 if too large.
func bodyError(w http.ResponseWriter, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		http.Error(w, "request body larger than 16 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	badRequest(w, "request body: %v", err)
}
