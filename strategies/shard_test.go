package strategies

import (
	"context"
	"testing"
	"time"
)

// dueTimes drains a paced source on a fake clock and returns its due
// times by the plan's task index (Shard.Global), with how many times each
// index was issued.
func shardDue(t *testing.T, a Arrivals, sh Shard, tasks int, d time.Duration) (map[int]time.Duration, map[int]int) {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1000, 0)}
	n := sh.Tasks(tasks)
	p := &Paced{Rate: a.Rate, Poisson: a.Poisson, Seed: a.Seed, Stages: a.Stages, Tasks: n, Duration: d, Shard: sh, Clock: clock}
	p.Start(clock.Now())
	due, seen := map[int]time.Duration{}, map[int]int{}
	for {
		i, ok := p.Next(context.Background())
		if !ok {
			break
		}
		k := sh.Global(i)
		due[k] = p.Due(i)
		seen[k]++
	}
	p.Stop()
	return due, seen
}

// TestShardsUnionIsTheSchedule checks the exactness of sharding an
// open-loop schedule: the shards' due times together are the single
// machine's, bit for bit, each arrival issued by exactly one shard (the
// one of its index mod n), for even and Poisson arrivals, a task count
// not a multiple of n, a duration-bounded run and ramps.
func TestShardsUnionIsTheSchedule(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a     Arrivals
		tasks int
		d     time.Duration
	}{
		{"uniform", Arrivals{Rate: 3000}, 1001, 0},
		{"uniform odd rate", Arrivals{Rate: 7.3}, 97, 0},
		{"poisson", Arrivals{Rate: 2000, Poisson: true, Seed: 42}, 1003, 0},
		{"poisson duration", Arrivals{Rate: 5000, Poisson: true, Seed: 7}, 1 << 20, 200 * time.Millisecond},
		{"uniform duration", Arrivals{Rate: 5000}, 1 << 20, 200 * time.Millisecond},
		{"uniform ramp", Arrivals{Rate: 100, Stages: []Stage{{100 * time.Millisecond, 5000}, {50 * time.Millisecond, 5000}}}, 1 << 20, 0},
		{"poisson ramp", Arrivals{Rate: 0, Poisson: true, Seed: 3, Stages: []Stage{{200 * time.Millisecond, 4000}}}, 1 << 20, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole, _ := shardDue(t, tc.a, Shard{}, tc.tasks, tc.d)
			if len(whole) < 90 {
				t.Fatalf("the whole schedule has %d arrivals", len(whole))
			}
			for _, n := range []int{1, 2, 3, 4, 7} {
				union := map[int]time.Duration{}
				for i := range n {
					due, seen := shardDue(t, tc.a, Shard{Index: i, Count: n}, tc.tasks, tc.d)
					for k, c := range seen {
						if c != 1 || k%n != i {
							t.Fatalf("%d shards: shard %d issued arrival %d %d times", n, i, k, c)
						}
						if _, dup := union[k]; dup {
							t.Fatalf("%d shards: arrival %d issued twice", n, k)
						}
						union[k] = due[k]
					}
				}
				if len(union) != len(whole) {
					t.Fatalf("%d shards issued %d arrivals, one machine %d", n, len(union), len(whole))
				}
				for k, d := range whole {
					if union[k] != d {
						t.Fatalf("%d shards: arrival %d due at %d ns, one machine %d ns", n, k, union[k], d)
					}
				}
			}
		})
	}
}

func TestShardParts(t *testing.T) {
	for _, tc := range []struct {
		sh            Shard
		n, c          int
		tasks, share  int
		first, second int
	}{
		{Shard{}, 10, 7, 10, 7, 0, 1},
		{Shard{0, 1}, 10, 7, 10, 7, 0, 1},
		{Shard{0, 3}, 10, 7, 4, 3, 0, 3},
		{Shard{1, 3}, 10, 7, 3, 2, 1, 4},
		{Shard{2, 3}, 10, 7, 3, 2, 2, 5},
		{Shard{3, 4}, 3, 4, 0, 1, 3, 7},
	} {
		if got := tc.sh.Tasks(tc.n); got != tc.tasks {
			t.Errorf("%+v.Tasks(%d) = %d, want %d", tc.sh, tc.n, got, tc.tasks)
		}
		if got := tc.sh.Share(tc.c); got != tc.share {
			t.Errorf("%+v.Share(%d) = %d, want %d", tc.sh, tc.c, got, tc.share)
		}
		if a, b := tc.sh.Global(0), tc.sh.Global(1); a != tc.first || b != tc.second {
			t.Errorf("%+v.Global(0, 1) = %d, %d, want %d, %d", tc.sh, a, b, tc.first, tc.second)
		}
	}
}
