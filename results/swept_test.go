package results

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestSweptValuesKeyCells: swept values are kept in the JSON (an optional
// field of v2) and tell cells apart in Key even where the parameters do
// not show them; a document without them keys as before.
func TestSweptValuesKeyCells(t *testing.T) {
	base := Summary{Strategy: "pool", Workload: "w", Params: map[string]string{"seed": "1"}, Tasks: 10, Concurrency: 2}
	a, b := base, base
	a.Swept = map[string]string{"knob": "1"}
	b.Swept = map[string]string{"knob": "2"}
	if Key(&a) == Key(&b) || Key(&a) == Key(&base) {
		t.Errorf("keys do not tell the swept cells apart: %q %q %q", Key(&a), Key(&b), Key(&base))
	}
	shown := base
	shown.Params = map[string]string{"seed": "1", "latency": "5ms"}
	shown.Swept = map[string]string{"latency": "5ms"}
	plain := shown
	plain.Swept = nil
	if Key(&shown) != Key(&plain) {
		t.Errorf("a swept value the parameters show changes the key: %q, %q", Key(&shown), Key(&plain))
	}
	var g bytes.Buffer
	if err := writeGobench(&g, &Document{Runs: []Summary{a, b}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(g.Bytes(), []byte("knob: 1\n")) || !bytes.Contains(g.Bytes(), []byte("knob: 2\n")) {
		t.Errorf("gobench configuration lines do not tell the swept cells apart:\n%s", g.Bytes())
	}
	doc := NewDocument(Environment{})
	doc.Runs = []Summary{a, base}
	var buf bytes.Buffer
	if err := Write(&buf, "json", doc); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"swept"`)); n != 1 {
		t.Errorf("%d swept fields, want one (omitted when empty)", n)
	}
	back, err := ReadDocument(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Runs[0].Swept["knob"] != "1" || back.Runs[1].Swept != nil {
		got, _ := json.Marshal(back.Runs)
		t.Errorf("read back %s", got)
	}
}

// TestVerdictScopeNamesSweptValue: the verdicts of a sweep's groups say
// which swept value each is of.
func TestVerdictScopeNamesSweptValue(t *testing.T) {
	var runs []Summary
	for _, lat := range []string{"5ms", "20ms"} {
		for i, s := range []string{"pool", "semaphore"} {
			runs = append(runs, Summary{Strategy: s, Workload: "sleep", Params: map[string]string{"latency": lat}, Swept: map[string]string{"latency": lat},
				Tasks: 10, Concurrency: 2, WallSeconds: float64(i + 1), Outcomes: Outcomes{OK: 10}})
		}
	}
	vs := Verdicts(runs)
	if len(vs) != 2 || vs[0].Scope != "latency=5ms tasks=10" || vs[1].Scope != "latency=20ms tasks=10" {
		t.Errorf("verdicts %+v", vs)
	}
}
