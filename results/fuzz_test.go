package results

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadDocument feeds any bytes to what resume, compare, merge, plot
// and report read: ReadDocument either refuses them with an error or
// returns a document that every writer and Compare can take without
// panicking.
func FuzzReadDocument(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	more, _ := filepath.Glob(filepath.Join("..", "cmd", "concbench", "testdata", "*.json"))
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"schema": "concbench/results/v2", "runs": [{"strategy": "pool", "tasks": 3, "concurrency": 2, "wall_seconds": 1, "latency_histogram": {"unit": "ns", "significant_figures": 3, "buckets": [[5, 2], [-1, 1]]}}]}`))
	f.Add([]byte(`{"schema": "concbench/results/v1", "runs": [{"strategy": "pool", "memory": {"peak_rss_bytes": 0}, "repetitions": [{}]}]}`))
	f.Add([]byte(`{"schema": "concbench/results/v2", "runs": null}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ReadDocument(bytes.NewReader(b))
		if err != nil {
			if d != nil {
				t.Error("a document came back with an error")
			}
			return
		}
		for _, format := range Formats {
			Write(io.Discard, format, d)
		}
		Groups(d.Runs)
		if cells, err := Compare(d, d); err == nil {
			WriteComparison(io.Discard, cells)
		}
		// Merge is left out: its HDR histograms (hundreds of thousands of
		// buckets each) under the fuzzer's coverage counters took 5 s an
		// input; its input is a document that passed the above.
	})
}
