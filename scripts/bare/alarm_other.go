//go:build !linux

package main

import (
	"errors"
	"time"
)

func startAlarm(time.Duration) (func(), error) {
	return nil, errors.New("-alarm needs Linux (a timerfd)")
}
