package results

import (
	"math"
	"strings"
	"testing"
)

func TestParseThreshold(t *testing.T) {
	for _, c := range []struct {
		in     string
		metric string
		op     string
		limit  float64
	}{
		{"p99<50ms", "p99", "<", 0.05},
		{"corrected.p99 < 200ms", "corrected.p99", "<", 0.2},
		{"errors<1%", "errors", "<", 0.01},
		{"errors<=0.05", "errors", "<=", 0.05},
		{"throughput>=1000/s", "throughput", ">=", 1000},
		{"throughput>1.5k/s", "throughput", ">", 1500},
		{"rate>=99%", "rate", ">=", 0.99},
		{"rss<500MiB", "rss", "<", 500 << 20},
		{"rss<1GB", "rss", "<", 1e9},
		{"goroutines<1000", "goroutines", "<", 1000},
		{"speedup>=1.5x", "speedup", ">=", 1.5},
	} {
		th, err := ParseThreshold(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if th.Metric != c.metric || th.Op != c.op || math.Abs(th.Limit-c.limit) > 1e-9*math.Max(1, c.limit) || th.Text != c.in {
			t.Errorf("%q = %+v, want %s %s %g", c.in, th, c.metric, c.op, c.limit)
		}
	}
	for in, want := range map[string]string{
		"p99":          "want METRIC<VALUE",
		"p98<5ms":      `unknown metric "p98"`,
		"p99<fast":     "a duration",
		"errors<lots%": "a share",
		"rss<big":      "a size",
		"p99<":         "no value",
		"rate>=NaN":    "a share",
	} {
		if _, err := ParseThreshold(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", in, err, want)
		}
	}
}

func TestThresholdEval(t *testing.T) {
	s := Summary{
		WallSeconds: 2, ThroughputPerS: 900,
		Latency:  Percentiles{P50: 0.010, P99: 0.060},
		Outcomes: Outcomes{OK: 95, Error: 3, Timeout: 1, Panic: 1, Canceled: 50},
	}
	for _, c := range []struct {
		expr   string
		pass   bool
		reason string
	}{
		{"p99<50ms", false, "p99 is 60.0ms, 20% over 50.0ms"},
		{"p99<100ms", true, ""},
		{"p50<=10ms", true, ""},
		// 5 of 100 finished tasks failed: canceled ones do not count.
		{"errors<5%", false, "errors is 5.0%"},
		{"errors<=5%", true, ""},
		{"throughput>=1000/s", false, "throughput is 900/s, 10% under 1.00k/s"},
		{"corrected.p99<1s", false, "no corrected.p99 figure"},
		{"rate>=99%", false, "no rate figure"},
	} {
		th, err := ParseThreshold(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		got := th.Eval(&s)
		if got.Pass != c.pass || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s: pass %v reason %q; want %v, %q", c.expr, got.Pass, got.Reason, c.pass, c.reason)
		}
	}

	open := s
	open.OpenLoop = &OpenLoop{RateAsked: 300, RateAchieved: 194, Corrected: Percentiles{P99: 0.4}}
	for expr, pass := range map[string]bool{"rate>=99%": false, "rate>=60%": true, "corrected.p99<1s": true, "corrected.p99<100ms": false} {
		th, _ := ParseThreshold(expr)
		if got := th.Eval(&open); got.Pass != pass {
			t.Errorf("open loop %s: pass %v, want %v (%s)", expr, got.Pass, pass, got.Reason)
		}
	}

	partial := s
	partial.Partial = true
	th, _ := ParseThreshold("p99<100ms")
	if got := th.Eval(&partial); got.Pass {
		t.Error("a partial cell passed a threshold")
	}

	doc := &Document{Runs: []Summary{s, s}}
	good, _ := ParseThreshold("p99<100ms")
	bad, _ := ParseThreshold("p99<50ms")
	if !EvalThresholds(doc, []Threshold{good}) || ThresholdText(&doc.Runs[1]) != "pass" {
		t.Errorf("holding threshold: %q", ThresholdText(&doc.Runs[1]))
	}
	if EvalThresholds(doc, []Threshold{good, bad}) || !strings.HasPrefix(ThresholdText(&doc.Runs[0]), "FAIL p99<50ms") {
		t.Errorf("failing threshold: %q", ThresholdText(&doc.Runs[0]))
	}
	if len(doc.Runs[0].Thresholds) != 2 {
		t.Errorf("re-evaluation kept old checks: %d", len(doc.Runs[0].Thresholds))
	}
}

func TestMetricsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range Metrics() {
		if seen[m.Name] {
			t.Errorf("metric %s twice", m.Name)
		}
		seen[m.Name] = true
		if m.Better != LowerIsBetter && m.Better != HigherIsBetter {
			t.Errorf("metric %s has no direction", m.Name)
		}
	}
}
