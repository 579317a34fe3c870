package network

import (
	"errors"
	"testing"

	"github.com/concbench/concbench/params"
	"github.com/concbench/concbench/workloads"
)

func mustNew(t testing.TB, s workloads.Spec) *workloads.Task {
	t.Helper()
	task, err := workloads.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// TestHTTPRefusesInjection: CR or LF in --header or --method would put
// lines of the user's making on the wire; they are refused before any
// run, naming the flag. (Repeated --header values reach the workload
// joined by LF: the CLI refuses an LF inside one, see cmd's tests.)
func TestHTTPRefusesInjection(t *testing.T) {
	for _, tc := range []struct {
		param, value string
	}{
		{"header", "X-A: 1\r\nInjected: 1"},
		{"header", "X-A: 1\rInjected: 1"},
		{"header", "X-A: 1\x00"},
		{"method", "GET / HTTP/1.1\r\nInjected: 1\r\n\r\nGET"},
		{"method", "GET\nX"},
		{"method", "G\x00T"},
	} {
		s := workloads.Spec{Name: "http", Params: params.Values{"url": "http://127.0.0.1:1/", tc.param: tc.value}}
		var pe *params.Error
		if err := s.Validate(); !errors.As(err, &pe) || pe.Param != tc.param {
			t.Errorf("--%s %q: got %v, want an error about --%s", tc.param, tc.value, err, tc.param)
		}
	}
}
