package chartjob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/chartjob"
)

func TestRunDraws(t *testing.T) {
	self, _ := os.Executable()
	dir := t.TempDir()
	job := chartjob.Job{Dir: dir, Options: chartjob.Options{Width: 300, Height: 200},
		Search: &chartjob.Search{File: "search", Title: "capacity", Series: []chartjob.SearchSeries{{Name: "pool conc=2", Strategy: "pool",
			Points: []chartjob.SearchPoint{{Rate: 100, P99: 0.001, Pass: true}, {Rate: 200, P99: 0.5}}, Best: 100}}}}
	res, err := chartjob.Run(context.Background(), self, job, nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Charts) != 1 || res.Charts[0].File != "search.png" {
		t.Fatalf("charts %+v, want search.png", res.Charts)
	}
	b, err := os.ReadFile(filepath.Join(dir, "search.png"))
	if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("search.png: %v, %d bytes, not a PNG", err, len(b))
	}

	res, err = chartjob.Run(context.Background(), self, chartjob.Job{Dir: t.TempDir(), Report: true}, document(), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report == "" || len(res.Charts)+len(res.Skipped) == 0 {
		t.Errorf("result %+v: want charts or skips, and report.md", res)
	}
	if _, err := os.Stat(res.Report); err != nil {
		t.Error(err)
	}
}

// TestRunFailures checks what Run makes of a renderer that fails,
// crashes, answers nonsense or stops on an interrupt of its own.
func TestRunFailures(t *testing.T) {
	self, _ := os.Executable()
	for _, tc := range []struct {
		mode, dir string
		want      string
		is        error
	}{
		{"", filepath.Join(t.TempDir(), "file", "sub"), "charts:", nil}, // dir under a file: cannot be created
		{"garbage", t.TempDir(), "something else than a chart result", nil},
		{"crash", t.TempDir(), "exit status 7", nil},
		{"interrupted", t.TempDir(), "", chartjob.ErrInterrupted},
	} {
		t.Run("mode="+tc.mode, func(t *testing.T) {
			if tc.mode == "" {
				os.WriteFile(filepath.Dir(tc.dir), nil, 0o644)
			}
			t.Setenv("CHARTJOB_TEST_MODE", tc.mode)
			_, err := chartjob.Run(context.Background(), self, chartjob.Job{Dir: tc.dir}, document(), os.Stderr)
			switch {
			case err == nil:
				t.Fatal("no error")
			case tc.is != nil && !errors.Is(err, tc.is):
				t.Errorf("err %v, want %v", err, tc.is)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("err %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestRunCancel checks that ending ctx kills a renderer that would never
// finish, and Run returns ctx's error.
func TestRunCancel(t *testing.T) {
	self, _ := os.Executable()
	ready := filepath.Join(t.TempDir(), "ready")
	t.Setenv("CHARTJOB_TEST_MODE", "hang")
	t.Setenv("CHARTJOB_TEST_READY", ready)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := chartjob.Run(ctx, self, chartjob.Job{Dir: t.TempDir()}, document(), os.Stderr)
		done <- err
	}()
	for { // until the renderer has started
		if _, err := os.Stat(ready); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Run returned before cancel: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
