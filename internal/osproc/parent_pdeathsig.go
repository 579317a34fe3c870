//go:build linux || freebsd

package osproc

import "syscall"

// ChildAttr returns the attributes a child must be started with so that
// it dies with its parent: the kernel sends it SIGKILL (Pdeathsig).
func ChildAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// pollParent is 0: the kernel kills an orphan, nothing to watch.
const pollParent = 0
