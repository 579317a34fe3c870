//go:build unix

package network

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/concbench/concbench/target"
)

// TestRawIO: writes that fill the send buffer wait for it to drain, reads
// return what the peer sent and then io.EOF, and deadlines still apply.
func TestRawIO(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const size = 8 << 20 // far over any socket buffer
	msg := target.Bytes(size)
	echoed := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			echoed <- nil
			return
		}
		defer c.Close()
		time.Sleep(50 * time.Millisecond) // let the client's writes block
		got, _ := io.ReadAll(io.LimitReader(c, size))
		c.Write(got[:1000])
		echoed <- got
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rw := newRawIO(c)
	if _, ok := rw.(*rawIO); !ok {
		t.Skip("no raw I/O on this system")
	}
	if n, err := rw.Write(msg); n != size || err != nil {
		t.Fatalf("wrote %d of %d: %v", n, size, err)
	}
	if got := <-echoed; !bytes.Equal(got, msg) {
		t.Fatalf("the peer read %d bytes, not the %d written", len(got), size)
	}
	back, err := io.ReadAll(rw)
	if err != nil || !bytes.Equal(back, msg[:1000]) {
		t.Fatalf("read %d bytes back, %v", len(back), err)
	}

	// A peer that sends nothing: the read waits until the deadline.
	c2, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := newRawIO(c2).Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past the deadline: %v", err)
	}
}
