//go:build unix && !linux && !freebsd

package osproc

import (
	"syscall"
	"time"
)

// ChildAttr returns nil: this kernel has no Pdeathsig, so the child
// watches its parent itself (ExitWithParent) and its stdin reaches EOF
// when the parent dies.
func ChildAttr() *syscall.SysProcAttr { return nil }

// pollParent is how often an orphan notices: a re-parented child sees
// another parent pid.
const pollParent = 250 * time.Millisecond
