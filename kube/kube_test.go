package kube

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		job  Job
		want string // "" for no error
	}{
		{Job{Name: "load", Image: "i", Shards: 4}, ""},
		{Job{Name: "Load", Image: "i", Shards: 4}, "--name"},
		{Job{Name: "load-", Image: "i", Shards: 4}, "--name"},
		{Job{Name: strings.Repeat("a", 61), Image: "i", Shards: 11}, "--name"}, // pod load-10: 64 characters
		{Job{Name: strings.Repeat("a", 61), Image: "i", Shards: 11}, "at most 60"},
		{Job{Name: strings.Repeat("a", 61), Image: "i", Shards: 10}, ""},
		{Job{Name: "load", Image: " ", Shards: 4}, "--image"},
		{Job{Name: "load", Image: "i", Shards: 4, BarrierPort: 70000}, "--barrier-port"},
	} {
		err := tc.job.Check()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.job, err, tc.want)
		}
	}
}

// TestManifests checks the YAML text: strings quoted as JSON (so a value
// is never read as another type), block lists, the Service only with a
// barrier. deploy/k8stest decodes them into the API types.
func TestManifests(t *testing.T) {
	j := Job{Name: "load", Image: "img", Shards: 2, Args: []string{"run", "--seed", "1", `a "b"`}, BarrierPort: 7070}
	m := j.Manifests()
	for _, want := range []string{
		"kind: \"Service\"\n", "  clusterIP: \"None\"\n", "  completionMode: \"Indexed\"\n", "  completions: 2\n", "  parallelism: 2\n",
		"  backoffLimit: 0\n", "      restartPolicy: \"Never\"\n", "      subdomain: \"load\"\n", "        - \"1\"\n", "        - \"a \\\"b\\\"\"\n",
		"      - name: \"concbench\"\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("manifests lack %q:\n%s", want, m)
		}
	}
	j.BarrierPort = 0
	if m := j.Manifests(); strings.Contains(m, "Service") || strings.Contains(m, "subdomain") {
		t.Errorf("a Service or subdomain without a barrier:\n%s", m)
	}
	if got := (Job{Name: "load", BarrierPort: 7070}).BarrierAddr(); got != "load-0.load:7070" {
		t.Errorf("barrier address %q", got)
	}
}
