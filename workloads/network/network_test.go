package network

import (
	"testing"

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
