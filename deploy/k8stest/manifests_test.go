// Package k8stest checks the manifests of `concbench k8s` against the
// Kubernetes API types. It is a module of its own, so that the main module
// does not depend on Kubernetes; .ci/run runs it.
package k8stest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/kube"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// concbench builds the command from the root module once.
func concbench(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "concbench")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/concbench")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestManifestsDecodeStrictly runs `concbench k8s` for plans with and
// without a barrier and decodes every document it prints strictly (an
// unknown or misspelt field fails) into batch/v1 Job and core/v1
// Service, then checks what the Job must say.
func TestManifestsDecodeStrictly(t *testing.T) {
	bin := concbench(t)
	for _, tc := range []struct {
		name    string
		args    []string
		shards  int32
		service bool
	}{
		{"barrier", []string{"--shards", "4", "--image", "example/concbench:1", "--barrier-port", "7070", "--name", "load",
			"--workload", "http", "--url", "http://target:8080/delay/1ms", "--rate", "20000", "--duration", "10s",
			"--strategies", "pool", "--concurrency", "100", "--header", `X-Quote: "a" & <b>`}, 4, true},
		{"start-at", []string{"--shards", "3", "--image", "example/concbench:1", "--strategies", "pool",
			"--tasks", "10000", "--concurrency", "30", "--start-at", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"k8s"}, tc.args...)...)
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("concbench k8s: %v", err)
			}
			var job *batchv1.Job
			var svc *corev1.Service
			for _, doc := range strings.Split(string(out), "\n---\n")[1:] {
				var meta struct{ Kind string }
				if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
					t.Fatalf("not YAML: %v\n%s", err, doc)
				}
				var target any
				switch meta.Kind {
				case "Job":
					job = &batchv1.Job{}
					target = job
				case "Service":
					svc = &corev1.Service{}
					target = svc
				default:
					t.Fatalf("unexpected kind %q", meta.Kind)
				}
				if err := yaml.UnmarshalStrict([]byte(doc), target); err != nil {
					t.Fatalf("%s does not decode strictly: %v\n%s", meta.Kind, err, doc)
				}
			}
			if job == nil {
				t.Fatalf("no Job in:\n%s", out)
			}
			s := job.Spec
			if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion ||
				s.Completions == nil || *s.Completions != tc.shards || s.Parallelism == nil || *s.Parallelism != tc.shards ||
				s.BackoffLimit == nil || *s.BackoffLimit != 0 || s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
				t.Errorf("job spec: mode %v, completions %v, parallelism %v, backoffLimit %v, restartPolicy %q",
					deref(s.CompletionMode), deref(s.Completions), deref(s.Parallelism), deref(s.BackoffLimit), s.Template.Spec.RestartPolicy)
			}
			c := s.Template.Spec.Containers
			if len(c) != 1 || c[0].Image != "example/concbench:1" {
				t.Fatalf("containers %+v", c)
			}
			args := strings.Join(c[0].Args, " ")
			for _, want := range []string{"run ", "--shards " + strings.TrimSpace(tc.args[1]), "--format json"} {
				if !strings.Contains(args, want) {
					t.Errorf("pod args %q lack %q", args, want)
				}
			}
			if slices.Contains(c[0].Args, "--image") || slices.Contains(c[0].Args, "--barrier-port") {
				t.Errorf("pod args %q carry k8s's own flags", args)
			}
			if tc.service != (svc != nil) {
				t.Fatalf("service printed %v, want %v", svc != nil, tc.service)
			}
			if svc != nil {
				if svc.Spec.ClusterIP != corev1.ClusterIPNone || s.Template.Spec.Subdomain != svc.Name ||
					svc.Spec.Selector["concbench.dev/job"] != job.Spec.Template.Labels["concbench.dev/job"] ||
					!slices.Contains(c[0].Args, job.Name+"-0."+svc.Name+":7070") {
					t.Errorf("barrier: service %+v, subdomain %q, args %q", svc.Spec, s.Template.Spec.Subdomain, args)
				}
				if !slices.Contains(c[0].Args, `X-Quote: "a" & <b>`) {
					t.Errorf("a header with quotes did not survive: %q", args)
				}
			}
		})
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestOneShardNoBarrier decodes kube.Job's manifests directly: one shard,
// no Service.
func TestOneShardNoBarrier(t *testing.T) {
	j := kube.Job{Name: "one", Image: "x", Shards: 1, Args: []string{"run", "--shards", "1"}}
	docs := strings.Split(j.Manifests(), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d documents, want the recipe and the Job", len(docs))
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &job); err != nil {
		t.Fatal(err)
	}
	if *job.Spec.Completions != 1 || job.Spec.Template.Spec.Subdomain != "" || len(job.Spec.Template.Spec.Containers[0].Ports) != 0 {
		t.Errorf("job %+v", job.Spec)
	}
}
