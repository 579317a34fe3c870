package network

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

// TestDescribeAsBefore: the parameters a run of http or tcp shows (tables,
// JSON, resume and compare keys) are the map the former built-in Spec
// gave, so results files written before still match.
func TestDescribeAsBefore(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    params.Values
		want map[string]string
	}{
		{"http", params.Values{"url": "http://127.0.0.1:9/x"}, map[string]string{"url": "http://127.0.0.1:9/x", "engine": "h1"}},
		{"http", params.Values{"url": "http://h/", "method": "POST", "no-keepalive": "true", "http-engine": "std"},
			map[string]string{"url": "http://h/", "engine": "std", "method": "POST", "keepalive": "off"}},
		{"http", params.Values{"method": "GET"}, map[string]string{"url": "", "engine": "h1"}}, // the embedded target's, filled in later
		{"tcp", params.Values{"addr": "127.0.0.1:9"}, map[string]string{"addr": "127.0.0.1:9", "size": "1024"}},
		{"tcp", params.Values{"addr": "h:1", "size": "3000", "tcp-persistent": "true"}, map[string]string{"addr": "h:1", "size": "3000", "persistent": "on"}},
	} {
		s := workloads.Spec{Name: tc.name, Seed: 3, Params: tc.p}
		want := maps.Clone(tc.want)
		want["seed"] = "3"
		if got := s.Describe(); !maps.Equal(got, want) {
			t.Errorf("%s %v: Describe %v, want %v", tc.name, tc.p, got, want)
		}
	}
}

// TestValidateNamesTheFlag: bad values fail Spec.Validate, before anything
// runs, with a *params.Error naming the flag.
func TestValidateNamesTheFlag(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxBody + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		name string
		p    params.Values
		flag string
	}{
		{"http", params.Values{"url": "ftp://x/"}, "url"},
		{"http", params.Values{"url": "http://h:99999/"}, "url"},
		{"http", params.Values{"url": "http://h/", "http-engine": "curl"}, "http-engine"},
		{"http", params.Values{"url": "http://h/", "header": "X-A: 1\nNoColon"}, "header"},
		{"http", params.Values{"url": "http://h/", "method": "get"}, "method"},
		{"http", params.Values{"url": "http://h/", "body-file": filepath.Join(dir, "none")}, "body-file"},
		{"http", params.Values{"url": "http://h/", "body-file": big}, "body-file"},
		{"http", params.Values{"url": "http://h/", "body-file": dir}, "body-file"},
		{"http", params.Values{"url": "http://h/", "latency": "5ms"}, "latency"}, // excluded by --url
		{"tcp", params.Values{"addr": "nowhere"}, "addr"},
		{"tcp", params.Values{"addr": "h:1", "size": "0"}, "size"},
		{"tcp", params.Values{"addr": "h:1", "size": "17000000"}, "size"},
	} {
		err := (&workloads.Spec{Name: tc.name, Params: tc.p}).Validate()
		var pe *params.Error
		if !errors.As(err, &pe) || pe.Param != tc.flag || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %v: %v, want one line about --%s", tc.name, tc.p, err, tc.flag)
		}
	}
}

// TestBodyFileReadByEachProcess: the body travels as a path; the workload
// reads the file when it is built.
func TestBodyFileReadByEachProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(path, []byte("payload"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := httpSpec(workloads.Config{Params: params.Values{"url": "http://h/", "body-file": path}}, true)
	if err != nil || string(s.Body) != "payload" {
		t.Fatalf("body %q, err %v", s.Body, err)
	}
}
