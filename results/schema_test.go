package results

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// readV1 reads the v1 fixture, written by the code of 30f400d: http
// against the embedded target (sequential, pool, process), sleep under
// every strategy and an open-loop run, merged.
func readV1(t *testing.T) *Document {
	t.Helper()
	d, err := ReadFile("testdata/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReadV1(t *testing.T) {
	d := readV1(t)
	if d.Schema != Schema || len(d.Runs) != 9 || len(d.Sources) != 3 {
		t.Fatalf("schema %q, %d runs, %d sources", d.Schema, len(d.Runs), len(d.Sources))
	}
	for _, s := range d.Runs {
		if rss, ok := Known(s.Memory.PeakRSSBytes); !ok || rss < 1<<20 {
			t.Errorf("%s: peak RSS %v lost", s.Strategy, s.Memory.PeakRSSBytes)
		}
		if p := s.Processes; p != nil {
			if sum, ok := Known(p.ChildRSSSumBytes); !ok || len(p.WorkerPeakRSSBytes) != p.Workers || sum < float64(p.Workers<<20) {
				t.Errorf("%s: child figures %+v", s.Strategy, p)
			}
		}
	}
	// Written back, it is a v2 document that reads the same.
	var buf bytes.Buffer
	if err := Write(&buf, "json", d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"schema": "`+Schema+`"`) {
		t.Errorf("written back without the v2 tag")
	}
	if _, err := ReadDocument(&buf); err != nil {
		t.Error(err)
	}
}

// TestV1ZeroIsUnknown: v1 wrote 0 where the OS gave no figure; read, those
// are unknown, shown "-" in tables and left out of gobench, never 0.
func TestV1ZeroIsUnknown(t *testing.T) {
	b, err := os.ReadFile("testdata/v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, r := range raw["runs"].([]any) {
		run := r.(map[string]any)
		run["memory"].(map[string]any)["peak_rss_bytes"] = 0
		for _, rep := range run["repetitions"].([]any) {
			rep.(map[string]any)["peak_rss_bytes"] = 0
		}
		if p, ok := run["processes"].(map[string]any); ok {
			p["child_rss_sum_bytes"] = 0
			p["worker_peak_rss_bytes"] = []int{0, 0}
		}
	}
	b, _ = json.Marshal(raw)
	d, err := ReadDocument(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Runs {
		if s.Memory.PeakRSSBytes != nil || s.Repetitions[0].PeakRSSBytes != nil {
			t.Errorf("%s: a v1 zero read as a known RSS", s.Strategy)
		}
		if p := s.Processes; p != nil && (p.ChildRSSSumBytes != nil || p.WorkerPeakRSSBytes != nil) {
			t.Errorf("%s: v1 zero child figures read as known: %+v", s.Strategy, p)
		}
	}
	for _, tc := range []struct{ format, absent string }{
		{"json", `"peak_rss_bytes": 0`},
		{"gobench", "peak-rss-B"},
		{"table", " 0B"},
	} {
		var out bytes.Buffer
		if err := Write(&out, tc.format, d); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), tc.absent) {
			t.Errorf("%s output holds %q for an unknown figure", tc.format, tc.absent)
		}
	}
	var out bytes.Buffer
	if err := Write(&out, "json", d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"peak_rss_bytes": null`) {
		t.Error("an unknown RSS is not null in JSON")
	}
}

// TestEmbeddedTargetKey: two identical runs against the embedded target
// differ only in its random port; they are one cell for compare, resume
// and benchstat. A real URL stays part of the key.
func TestEmbeddedTargetKey(t *testing.T) {
	a := readV1(t)
	b := readV1(t)
	for i := range b.Runs {
		if u := b.Runs[i].Params["url"]; u != "" {
			b.Runs[i].Params["url"] = strings.Replace(u, ":40437/", ":51234/", 1)
		}
	}
	deltas, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	http := 0
	for _, cd := range deltas {
		if strings.Contains(cd.Key, "workload=http") {
			http++
			if strings.Contains(cd.Key, "127.0.0.1") || !strings.Contains(cd.Key, "url=/delay/2ms") {
				t.Errorf("key %q", cd.Key)
			}
		}
	}
	if http != 3 {
		t.Errorf("%d http cells in common, want 3", http)
	}
	var ga, gb bytes.Buffer
	Write(&ga, "gobench", a)
	Write(&gb, "gobench", b)
	if strings.Contains(ga.String(), "127.0.0.1") || !strings.Contains(ga.String(), "url: /delay/2ms") {
		t.Errorf("gobench configuration carries the target's address:\n%s", ga.String())
	}
	if ga.String() != gb.String() {
		t.Error("gobench output of identical runs differs")
	}

	// Against a URL of the user's choosing (no Target), the address counts.
	for i := range b.Runs {
		b.Runs[i].Target = nil
		a.Runs[i].Target = nil
	}
	if Key(&a.Runs[0]) == Key(&b.Runs[0]) {
		t.Error("runs against two different real URLs share a key")
	}
}
