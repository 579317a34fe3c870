package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/concbench/concbench/kube"
	"github.com/spf13/pflag"
)

const k8sUsage = `Usage: concbench k8s --shards N --image IMAGE [run flags] > job.yaml

Prints the Kubernetes manifests that run one plan as N shards: an Indexed
Job (completionMode Indexed, completions = parallelism = N, backoffLimit 0,
restartPolicy Never) whose pods run 'concbench run --shards N' with the
plan's flags and print their results as JSON, and, with --barrier-port, the
headless Service through which the shards meet shard 0 and start together.
The comments at the top say how to collect the shards' results and merge
them. The plan is checked here, as run checks it, before anything is printed.

Examples:
  concbench k8s --shards 4 --image registry.example/concbench:0.1.0 --barrier-port 7070 \
      --workload http --url http://target:8080/delay/1ms --rate 20000 --duration 10s \
      --strategies pool --concurrency 100 > job.yaml

Flags:
`

// k8sOnly are the flags of k8s that the pods do not get.
var k8sOnly = []string{"name", "image", "barrier-port"}

// k8sCmd prints the manifests of a sharded plan.
func k8sCmd(_ context.Context, args []string, stdout io.Writer) error {
	f := newRunFlags()
	sf := addShardFlags(f.fs)
	job := kube.Job{}
	f.fs.StringVar(&job.Name, "name", "concbench", "the Job's name, and the headless Service's")
	f.fs.StringVar(&job.Image, "image", "", "the concbench image the pods run (required; see the README's Dockerfile)")
	f.fs.IntVar(&job.BarrierPort, "barrier-port", 0, "start the shards together through a barrier on this port (adds a headless Service); 0: none")
	if err := parseFlags(f.fs, args, stdout, k8sUsage); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil
		}
		return err
	}
	set := f.fs.Changed
	if !set("shards") {
		return usagef("k8s: --shards N is required: the Job runs N shards")
	}
	if set("shard") {
		return usagef("--shard applies to run; k8s takes --shards N, each pod its index from the Job")
	}
	for _, name := range []string{"out", "plot", "resume", "format", "quiet", "threshold", "barrier", "barrier-timeout"} {
		if set(name) {
			why := "the pods print their results as JSON to their logs"
			switch name {
			case "threshold":
				why = "give it to merge, which checks the merged result"
			case "barrier", "barrier-timeout":
				why = "give --barrier-port: the pods meet at shard 0's through the Job's Service"
			}
			return usagef("--%s does not apply to k8s: %s", name, why)
		}
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	sf.env = func(string) string { return "0" } // checked as shard 0 would check it
	if err := sf.apply(plan); err != nil {
		return err
	}
	job.Shards = plan.Shard.Count
	if err := job.Check(); err != nil {
		return usageError{err}
	}
	job.Args = append(append([]string{"run"}, podArgs(args)...), "--format", "json", "-q")
	if job.BarrierPort > 0 {
		job.Args = append(job.Args, "--barrier", job.BarrierAddr())
	}
	_, err = fmt.Fprintf(stdout, "# concbench %s, plan %s\n%s", version, plan.Hash(), job.Manifests())
	return err
}

// podArgs returns the run flags of args: those of k8s alone left out.
func podArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		name, _, hasValue := strings.Cut(strings.TrimPrefix(args[i], "--"), "=")
		if strings.HasPrefix(args[i], "--") && slices.Contains(k8sOnly, name) {
			if !hasValue {
				i++ // its value
			}
			continue
		}
		out = append(out, args[i])
	}
	return out
}
