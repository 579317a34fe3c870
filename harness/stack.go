package harness

// growStack moves a new goroutine's stack from its first 2 KiB to 4 KiB
// while the stack holds only the frames of the task's Exec; on a stack
// that is already larger it costs a call. A task's own call chain (Task.Run,
// its wrappers, the workload, and the timer time.Sleep allocates on a
// goroutine's first sleep) outgrows 2 KiB, so without this the runtime
// grows the stack deep inside the task, where copying it means walking
// and adjusting every frame: for a goroutine per task (unbounded) that
// was about a third of the harness's CPU per task on top of the bare twin
// (BenchmarkOverhead). The frame below is what it takes: over 2 KiB less
// the runtime's stack guard (928 bytes on linux/amd64) and what the
// caller uses, and well under 4 KiB less the same.
//
//go:noinline
func growStack() {
	var b [1200]byte
	keepFrame(b[:])
}

// keepFrame takes growStack's array, so that the frame is not optimised
// away.
//
//go:noinline
func keepFrame([]byte) {}
