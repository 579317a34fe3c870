package chartjob_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/chartjob"
	"github.com/concbench/concbench/internal/chartserve"
	"github.com/concbench/concbench/results"
)

// The test binary is the renderer too: started with chartjob.Arg it
// serves the job, or, with CHARTJOB_TEST_MODE set, misbehaves as a broken
// or interrupted renderer would.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == chartjob.Arg {
		switch os.Getenv("CHARTJOB_TEST_MODE") {
		case "garbage":
			fmt.Println("hello")
			os.Exit(0)
		case "crash":
			os.Exit(7)
		case "interrupted":
			os.Exit(chartjob.ExitInterrupted)
		case "hang":
			// Tell the test it started, then wait to be killed.
			os.WriteFile(os.Getenv("CHARTJOB_TEST_READY"), nil, 0o644)
			select {}
		}
		os.Exit(chartserve.Main())
	}
	os.Exit(m.Run())
}

func document() *results.Document {
	doc := results.NewDocument(results.Environment{GoVersion: "go1.26", GOOS: "linux", GOARCH: "amd64", NumCPU: 2, Version: "test",
		Time: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	doc.Runs = []results.Summary{{Strategy: "pool", Workload: "sleep", Params: map[string]string{"latency": "1ms"}, Tasks: 10, Concurrency: 2,
		Slots: 2, WallSeconds: 0.005, Latency: results.Percentiles{P50: 0.001, P99: 0.0012}, Outcomes: results.Outcomes{OK: 10}}}
	return doc
}

func TestJobRoundTrip(t *testing.T) {
	search := &chartjob.Search{File: "search", Title: "t", Series: []chartjob.SearchSeries{{Name: "pool conc=2", Strategy: "pool",
		Points: []chartjob.SearchPoint{{Rate: 100, P99: 0.001, Pass: true}, {Rate: 200, P99: 0.5}}, Best: 100}}}
	for _, tc := range []struct {
		name string
		job  chartjob.Job
		doc  *results.Document
	}{
		{"document", chartjob.Job{Version: chartjob.Version, Dir: "out", Options: chartjob.Options{Width: 600, Height: 400, Format: "svg"}, Report: true}, document()},
		{"search", chartjob.Job{Version: chartjob.Version, Dir: "d", Search: search}, nil},
	} {
		t.Run("job="+tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := chartjob.WriteJob(&b, tc.job, tc.doc); err != nil {
				t.Fatal(err)
			}
			job, doc, err := chartjob.ReadJob(&b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(job, tc.job) {
				t.Errorf("job %+v, want %+v", job, tc.job)
			}
			if tc.doc == nil {
				if doc != nil {
					t.Errorf("a search job read a document")
				}
				return
			}
			var want, got bytes.Buffer
			results.Write(&want, "json", tc.doc)
			results.Write(&got, "json", doc)
			if got.String() != want.String() {
				t.Errorf("document changed on the way:\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}

func TestReadJobRefuses(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"other version", `{"Version":99,"Dir":"d"}` + "\n", "protocol 99"},
		{"no document", `{"Version":1,"Dir":"d"}` + "\n", "document"},
		{"not JSON", "hello\n", "reading the job"},
		{"empty", "", "reading the job"},
	} {
		t.Run("input="+tc.name, func(t *testing.T) {
			_, _, err := chartjob.ReadJob(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		o  chartjob.Options
		ok bool
	}{
		{chartjob.Options{}, true},
		{chartjob.Options{Width: 10000, Height: 1, Format: "pdf"}, true},
		{chartjob.Options{Width: 10001}, false},
		{chartjob.Options{Height: -1}, false},
		{chartjob.Options{Format: "gif"}, false},
	} {
		if err := tc.o.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: err %v, want ok=%v", tc.o, err, tc.ok)
		}
	}
	if w, h := (chartjob.Options{}).Size(); w != 1200 || h != 800 || (chartjob.Options{}).Ext() != "png" {
		t.Errorf("zero Options: %dx%d %s, want 1200x800 png", w, h, chartjob.Options{}.Ext())
	}
}

func TestFind(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip("os.Executable:", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(self), chartjob.Name+filepath.Ext(self))); err == nil {
		t.Skip("a concbench-plot sits beside the test binary")
	}
	onPath := t.TempDir()
	fake := filepath.Join(onPath, chartjob.Name)
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Run("env=file", func(t *testing.T) {
		t.Setenv(chartjob.EnvPath, self)
		if p, err := chartjob.Find(); p != self || err != nil {
			t.Errorf("Find() = %q, %v; want %q", p, err, self)
		}
	})
	t.Run("env=directory", func(t *testing.T) {
		t.Setenv(chartjob.EnvPath, onPath)
		if _, err := chartjob.Find(); err == nil || !strings.Contains(err.Error(), chartjob.EnvPath) {
			t.Errorf("err %v, want one naming %s", err, chartjob.EnvPath)
		}
	})
	if filepath.Ext(self) == "" { // LookPath wants .exe on Windows
		t.Run("path=has", func(t *testing.T) {
			t.Setenv(chartjob.EnvPath, "")
			t.Setenv("PATH", onPath)
			if p, err := chartjob.Find(); p != fake || err != nil {
				t.Errorf("Find() = %q, %v; want %q", p, err, fake)
			}
		})
	}
	t.Run("path=lacks", func(t *testing.T) {
		t.Setenv(chartjob.EnvPath, "")
		t.Setenv("PATH", t.TempDir())
		_, err := chartjob.Find()
		if err == nil || !strings.Contains(err.Error(), "go install github.com/concbench/concbench/cmd/concbench-plot@latest") || !strings.Contains(err.Error(), filepath.Dir(self)) {
			t.Errorf("err %v, want where it looked and how to install", err)
		}
	})
}
