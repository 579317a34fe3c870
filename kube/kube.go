// Package kube writes the Kubernetes manifests that run the shards of a
// concbench plan as an Indexed Job: one pod per shard, each taking its
// index from JOB_COMPLETION_INDEX, with no coordinator of concbench's
// own. It imports no Kubernetes package: the manifests are text, checked
// against the API types by the nested module deploy/k8stest.
package kube

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Job describes the Indexed Job of a sharded plan.
type Job struct {
	Name   string   // the Job's name, and the headless Service's
	Image  string   // a concbench image whose entrypoint is the binary
	Shards int      // completions and parallelism: one pod per shard
	Args   []string // each pod's arguments: run, the plan's flags, --shards ...
	// BarrierPort, if set, is the port of the barrier: shard 0's pod
	// listens on it, the others reach it through a headless Service and
	// the Job's subdomain (BarrierAddr).
	BarrierPort int
}

// label selects a Job's pods for its Service.
const label = "concbench.dev/job"

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Check returns an error naming the flag if the Job cannot be written:
// the pods' hostnames (the name, a dash and the index) must be DNS
// labels.
func (j Job) Check() error {
	if longest := len(j.Name) + 1 + len(strconv.Itoa(j.Shards-1)); !dnsLabel.MatchString(j.Name) || longest > 63 {
		return fmt.Errorf("--name %q: want lower-case letters, digits and '-', at most %d characters with the pods' index suffix", j.Name, 63-1-len(strconv.Itoa(j.Shards-1)))
	}
	if strings.TrimSpace(j.Image) == "" {
		return fmt.Errorf("--image %q: name the concbench image the pods run", j.Image)
	}
	if j.BarrierPort < 0 || j.BarrierPort > 65535 {
		return fmt.Errorf("--barrier-port %d: want a port in 1..65535", j.BarrierPort)
	}
	return nil
}

// BarrierAddr is where the shards meet shard 0: its pod's hostname in
// the Service's subdomain.
func (j Job) BarrierAddr() string {
	return fmt.Sprintf("%s-0.%s:%d", j.Name, j.Name, j.BarrierPort)
}

// Manifests returns the YAML of the Job, preceded by the headless
// Service when the barrier is used, and the recipe as comments.
func (j Job) Manifests() string {
	var b strings.Builder
	b.WriteString(j.Recipe())
	labels := obj{{"app.kubernetes.io/name", "concbench"}, {label, j.Name}}
	if j.BarrierPort > 0 {
		b.WriteString("---\n")
		write(&b, obj{
			{"apiVersion", "v1"},
			{"kind", "Service"},
			{"metadata", obj{{"name", j.Name}, {"labels", labels}}},
			{"spec", obj{
				{"clusterIP", "None"},
				// The shards look shard 0 up before any pod is ready.
				{"publishNotReadyAddresses", true},
				{"selector", obj{{label, j.Name}}},
				{"ports", []any{obj{{"name", "barrier"}, {"port", j.BarrierPort}, {"protocol", "TCP"}}}},
			}},
		}, 0)
	}
	container := obj{
		{"name", "concbench"},
		{"image", j.Image},
		{"args", strs(j.Args)},
	}
	pod := obj{{"restartPolicy", "Never"}}
	if j.BarrierPort > 0 {
		container = append(container, kv{"ports", []any{obj{{"name", "barrier"}, {"containerPort", j.BarrierPort}, {"protocol", "TCP"}}}})
		pod = append(pod, kv{"subdomain", j.Name})
	}
	pod = append(pod, kv{"containers", []any{container}})
	b.WriteString("---\n")
	write(&b, obj{
		{"apiVersion", "batch/v1"},
		{"kind", "Job"},
		{"metadata", obj{{"name", j.Name}, {"labels", labels}}},
		{"spec", obj{
			{"completionMode", "Indexed"},
			{"completions", j.Shards},
			{"parallelism", j.Shards},
			// A failed shard is named by the merge, not run again: a
			// second run would not start with the others.
			{"backoffLimit", 0},
			{"template", obj{
				{"metadata", obj{{"labels", labels}}},
				{"spec", pod},
			}},
		}},
	}, 0)
	return b.String()
}

// Recipe returns, as YAML comments, how to run the Job and merge its
// shards' results.
func (j Job) Recipe() string {
	last := j.Shards - 1
	lines := []string{
		fmt.Sprintf("%d shards of one plan as a Kubernetes Indexed Job. Run, collect, merge:", j.Shards),
		"  kubectl apply -f job.yaml",
		fmt.Sprintf("  kubectl wait --for=condition=complete --timeout=24h job/%s   # or condition=failed", j.Name),
		fmt.Sprintf("  for i in $(seq 0 %d); do", last),
		fmt.Sprintf("    kubectl logs -l job-name=%s,batch.kubernetes.io/job-completion-index=$i --tail=-1 |", j.Name),
		"      sed -n '/^{$/,/^}$/p' > shard-$i.json   # the results document, without stderr's lines",
		"    [ -s shard-$i.json ] || rm shard-$i.json   # a shard that failed: merge names it",
		"  done",
		"  concbench merge shard-*.json -o merged.json   # names a missing shard; add --threshold to check",
		"  concbench report merged.json --out report/",
		"  kubectl delete -f job.yaml",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}

// obj is a YAML mapping whose keys keep their order.
type obj []kv

type kv struct {
	k string
	v any
}

func strs(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// write writes v as block YAML at indent. Strings are double-quoted
// (JSON's escapes are YAML's), so no value is read as another type.
func write(b *strings.Builder, v obj, indent int) {
	pad := strings.Repeat("  ", indent)
	for _, e := range v {
		b.WriteString(pad + e.k + ":")
		writeValue(b, e.v, indent)
	}
}

func writeValue(b *strings.Builder, v any, indent int) {
	pad := strings.Repeat("  ", indent)
	switch x := v.(type) {
	case obj:
		b.WriteString("\n")
		write(b, x, indent+1)
	case []any:
		b.WriteString("\n")
		for _, item := range x {
			if o, ok := item.(obj); ok {
				// the first key on the dash's line, the rest under it
				b.WriteString(pad + "- " + o[0].k + ":")
				writeValue(b, o[0].v, indent+1)
				write(b, o[1:], indent+1)
				continue
			}
			b.WriteString(pad + "-")
			writeValue(b, item, indent+1)
		}
	default:
		b.WriteString(" " + scalar(x) + "\n")
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		q, _ := json.Marshal(x)
		return string(q)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	panic(fmt.Sprintf("kube: no YAML for %T", v))
}
