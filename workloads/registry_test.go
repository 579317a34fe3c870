package workloads

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/concbench/concbench/params"
)

func init() {
	Register(Definition{
		Name:   "test-echo",
		Params: []params.Param{{Name: "gap", Default: "3ms"}},
		New: func(c Config) (Doer, error) {
			gap, err := c.Params.Duration("gap")
			if err != nil {
				return nil, err
			}
			return echo{gap}, nil
		},
	})
}

// echo returns i as its byte count and expects i×gap.
type echo struct{ gap time.Duration }

func (e echo) Do(_ context.Context, i int) (int64, error) { return int64(i), nil }
func (e echo) Expected(i int) (time.Duration, bool)       { return time.Duration(i) * e.gap, true }

func TestRegisteredWorkload(t *testing.T) {
	task, err := New(Spec{Name: "test-echo", Retries: 1, Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if s := task.Run(context.Background(), 7, time.Now()); s.Bytes != 7 || s.Err != nil {
		t.Fatalf("task 7: %+v", s)
	}
	// The default gap is 3ms; task 5 (15ms) times out at 10ms, twice, with
	// no backoff between.
	for i, want := range map[int]time.Duration{2: 6 * time.Millisecond, 5: 2 * 10 * time.Millisecond} {
		got, ok := task.Expected(i)
		if !ok || got != want {
			t.Errorf("Expected(%d) = %v, %v; want %v", i, got, ok, want)
		}
	}
	if sp := task.Spec(); sp.Describe()["gap"] != "3ms" {
		t.Errorf("Describe gap = %q, want the default 3ms", sp.Describe()["gap"])
	}
	if _, err := New(Spec{Name: "test-echo", Params: params.Values{"gap": "-1s"}}); !errors.As(err, new(*params.Error)) {
		t.Errorf("bad gap: %v, want a *params.Error", err)
	}
	if _, err := New(Spec{Name: "no-such"}); err == nil {
		t.Error("an unregistered name was accepted")
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a second Register of one name did not panic")
		}
	}()
	Register(Definition{Name: "test-echo", New: func(Config) (Doer, error) { return nil, nil }})
}
