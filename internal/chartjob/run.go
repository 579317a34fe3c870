package chartjob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/concbench/concbench/results"
)

// Name is the renderer's file name (with the running binary's extension,
// .exe on Windows, when looked for beside it).
const Name = "concbench-plot"

// EnvPath names the environment variable that, when set, is the
// renderer's path, wherever concbench is.
const EnvPath = "CONCBENCH_PLOT"

// ExitInterrupted is the renderer's exit code when it stopped on an
// interrupt (SIGINT) before finishing.
const ExitInterrupted = 130

// ErrInterrupted is what Run returns when the renderer stopped on an
// interrupt of its own (the terminal's Ctrl-C reaches it too).
var ErrInterrupted = errors.New("chart rendering interrupted")

// Find returns the renderer's path: $CONCBENCH_PLOT if set, else
// concbench-plot beside the running executable, else concbench-plot on
// PATH. It does not block; its error is one line saying where it looked
// and how to install the renderer.
func Find() (string, error) {
	if p := os.Getenv(EnvPath); p != "" {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			if err == nil {
				err = errors.New("not a regular file")
			}
			return "", fmt.Errorf("%s=%q: %w", EnvPath, p, err)
		}
		return p, nil
	}
	exe, err := os.Executable()
	if err == nil {
		p := filepath.Join(filepath.Dir(exe), Name+filepath.Ext(exe))
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(Name); err == nil {
		return p, nil
	}
	where := "beside concbench"
	if exe != "" {
		where = "in " + filepath.Dir(exe)
	}
	return "", fmt.Errorf("charts are drawn by %s, found neither %s nor on PATH: go install github.com/concbench/concbench/cmd/%s@latest (or build ./cmd/... into one directory), or set %s to its path", Name, where, Name, EnvPath)
}

// Run starts the renderer at path, sends it job (and doc, unless the job
// is a search's) and waits for its answer. It blocks until the renderer
// exits; when ctx ends first the renderer is killed (charts are written
// atomically, so none is left half written) and Run returns ctx.Err().
// It returns ErrInterrupted if the renderer stopped on an interrupt of
// its own, and an error carrying the renderer's message if it failed; a
// failed Result's Error is returned as an error, not in the Result. The
// renderer's stderr is errOut (it writes there only if it crashes).
func Run(ctx context.Context, path string, job Job, doc *results.Document, errOut io.Writer) (Result, error) {
	job.Version = Version
	var in bytes.Buffer
	if err := WriteJob(&in, job, doc); err != nil {
		return Result{}, fmt.Errorf("encoding the chart job: %w", err)
	}
	cmd := exec.CommandContext(ctx, path, Arg)
	cmd.Stdin = &in
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == ExitInterrupted {
		return Result{}, ErrInterrupted
	}
	var res Result
	if derr := json.Unmarshal(out.Bytes(), &res); derr != nil {
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", path, err)
		}
		return Result{}, fmt.Errorf("%s answered with something else than a chart result: %w", path, derr)
	}
	if res.Error != "" {
		return Result{}, errors.New(res.Error)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
