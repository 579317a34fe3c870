package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestShardFlagsBadInput: a wrong --shard or --shards, or a missing or
// out-of-range $JOB_COMPLETION_INDEX, exits 2 with one line naming the
// flag, before anything runs.
func TestShardFlagsBadInput(t *testing.T) {
	for _, tc := range []struct {
		env  string // JOB_COMPLETION_INDEX, "-" for unset
		args []string
		want string
	}{
		{"-", []string{"--shard", "3/3"}, "--shard"},
		{"-", []string{"--shard", "-1/3"}, "--shard"},
		{"-", []string{"--shard", "1/0"}, "--shard"},
		{"-", []string{"--shard", "x"}, "--shard"},
		{"-", []string{"--shard", "1/2", "--shards", "2"}, "--shards"},
		{"-", []string{"--shards", "4"}, "JOB_COMPLETION_INDEX is not set"},
		{"", []string{"--shards", "4"}, "JOB_COMPLETION_INDEX is not set"},
		{"4", []string{"--shards", "4"}, "--shards 4"},
		{"one", []string{"--shards", "4"}, "--shards 4"},
		{"0", []string{"--shards", "0"}, "--shards"},
		{"-", []string{"--shard", "0/3", "--strategies", "pool", "--concurrency", "2"}, "--concurrency"},
		{"-", []string{"--shard", "0/3", "--strategies", "pool", "--tasks", "2"}, "--tasks"},
		{"-", []string{"--shard", "0/3", "--strategies", "process"}, "--shard"},
	} {
		t.Run(tc.env+" "+strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := command(append([]string{"run", "-q"}, tc.args...)...)
			if tc.env != "-" {
				cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX="+tc.env)
			} else {
				cmd.Env = append(cmd.Env, "JOB_COMPLETION_INDEX=")
				cmd.Env = withoutEnv(cmd.Env, "JOB_COMPLETION_INDEX")
			}
			r := run(t, cmd)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) || r.stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q: want exit 2 and one line naming %q", r.code, r.stderr, r.stdout, tc.want)
			}
		})
	}
}

func withoutEnv(env []string, name string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}

// run runs cmd and returns its exit code and output.
func run(t *testing.T, cmd *exec.Cmd) outcome {
	t.Helper()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return outcome{cmd.ProcessState.ExitCode(), out.String(), errb.String()}
}
