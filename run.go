package concbench

import (
	"context"
	"errors"
	"runtime/debug"

	"github.com/concbench/concbench/harness"
	"github.com/concbench/concbench/results"
)

// Run measures task under every strategy of the options (all, by
// default), over the task counts and concurrency limits they give, and
// returns the results document that `concbench run --out` writes: write
// it with results.Write(w, "json", doc) and `concbench report`, `plot`
// and `compare` read it. It blocks until every cell has run.
//
// Bad options are an error naming the option, before anything runs; so
// is a failed setup of a task defined with DefineWith. A failed task is
// data, in the document. If a cell cannot run (a worker process does not
// start), Run returns the cells measured so far with the error. If ctx
// ends, Run stops promptly and returns what it measured, marked partial,
// with ctx's error. Run panics in a worker process: see ServeWorkers.
// It is safe for concurrent use, though runs that share the machine
// measure each other.
func Run(ctx context.Context, task *Task, opts ...Option) (*results.Document, error) {
	mustNotBeWorker("Run")
	if task == nil {
		return nil, errors.New("concbench.Run: nil task")
	}
	s, err := newSettings(opts)
	if err != nil {
		return nil, err
	}
	plan, err := s.plan(task)
	if err != nil {
		return nil, err
	}
	// The parent's state lives for the whole run, not cell by cell.
	if _, err := task.acquire(ctx); err != nil {
		return nil, err
	}
	runs, err := harness.Execute(ctx, plan, nil)
	err = errors.Join(err, task.release())
	doc := document(runs)
	if ctx.Err() != nil {
		doc.Partial = true
		err = errors.Join(err, ctx.Err())
	}
	return doc, err
}

// document is the results document of runs. A call of its own: the
// Environment it builds would otherwise take room on Run's frame, under
// every run (see harness.run on why the harness keeps its frames small).
//
//go:noinline
func document(runs []results.Summary) *results.Document {
	doc := results.NewDocument(results.CurrentEnvironment(Version()))
	doc.Runs = runs
	return doc
}

// Version returns the version of the concbench module in this binary, as
// the go command recorded it ("devel" for a checkout).
func Version() string {
	const path = "github.com/concbench/concbench"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	mods := append([]*debug.Module{&bi.Main}, bi.Deps...)
	for _, m := range mods {
		if m.Path != path {
			continue
		}
		if m.Replace != nil || m.Version == "" || m.Version == "(devel)" {
			return "devel"
		}
		return m.Version
	}
	return "devel"
}
