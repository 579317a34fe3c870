package concbench_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench"
	"github.com/concbench/concbench/results"
	"github.com/concbench/concbench/strategies"
)

var shortSleep = concbench.Define("test-short-sleep", func(ctx context.Context, i int) error {
	time.Sleep(time.Duration(1+i%3) * time.Millisecond)
	return nil
})

// TestRunDocumentReports checks that what Run returns is a results
// document that `concbench report` renders: charts and report.md.
func TestRunDocumentReports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to run concbench report with")
	}
	doc, err := concbench.Run(context.Background(), shortSleep, concbench.Strategies("all"),
		concbench.Concurrency(2, 4), concbench.Tasks(10, 20), concbench.Repeat(2))
	if err != nil {
		t.Fatal(err)
	}
	// 2 task counts x (one run per strategy that ignores the limit, two
	// per bounded one: sequential, unbounded, then pool, semaphore, process
	// and the registered ones x 2 limits)
	want := 0
	for _, name := range strategies.Registered() {
		want += 2
		if strategies.Bounded(name) {
			want += 2
		}
	}
	if len(doc.Runs) != want || doc.Schema != results.Schema {
		t.Fatalf("%d runs, schema %q", len(doc.Runs), doc.Schema)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	if err := results.WriteFileAtomic(path, func(w io.Writer) error { return results.Write(w, "json", doc) }); err != nil {
		t.Fatal(err)
	}
	// Built as `go install ./cmd/...` puts them: concbench-plot, which
	// draws the charts, beside concbench.
	bin := filepath.Join(dir, "bin")
	if b, err := exec.Command(goBin, "build", "-o", bin+string(filepath.Separator), "./cmd/concbench", "./cmd/concbench-plot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	out := filepath.Join(dir, "report")
	exe := "concbench"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	cmd := exec.Command(filepath.Join(bin, exe), "report", path, "--out", out)
	cmd.Env = append(os.Environ(), "CONCBENCH_WORKER=", "CONCBENCH_TARGET=", "CONCBENCH_PLOT=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("concbench report: %v\n%s", err, b)
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(pngs) < 3 {
		t.Errorf("%d charts: %v", len(pngs), pngs)
	}
	for _, want := range []string{"test-short-sleep", "sequential", "unbounded", "pool", "semaphore", "process", ".png"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}
