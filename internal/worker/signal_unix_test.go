//go:build unix

package worker

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestCancelOnSignal: once armed, a SIGINT cancels the worker's context
// instead of killing the process; a second one is caught too until stop.
func TestCancelOnSignal(t *testing.T) {
	ctx, armed, stop := cancelOnSignal()
	<-armed
	if ctx.Err() != nil {
		t.Fatal("canceled before any signal")
	}
	for range 2 {
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGINT did not cancel the context within 10s")
	}
	stop() // returns: its goroutine has ended
}

// TestCancelOnSignalStop: without a signal, stop ends the goroutine and
// the context.
func TestCancelOnSignalStop(t *testing.T) {
	ctx, armed, stop := cancelOnSignal()
	<-armed
	stop()
	if ctx.Err() == nil {
		t.Error("context live after stop")
	}
}
