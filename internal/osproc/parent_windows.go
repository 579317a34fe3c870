package osproc

import (
	"syscall"
	"time"
)

// ChildAttr returns nil. Windows does not re-parent processes, so there is
// no parent pid to watch: a child ends when its stdin reaches EOF, which
// happens when its parent dies.
func ChildAttr() *syscall.SysProcAttr { return nil }

const pollParent time.Duration = 0
