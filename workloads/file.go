package workloads

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/concbench/concbench/params"
)

// File workload limits.
const (
	// MaxFileSize bounds --size: files in flight at once share the disk.
	MaxFileSize = 256 << 20
	// MaxBlocking bounds --max-blocking, well below Go's default limit of
	// 10,000 OS threads (debug.SetMaxThreads), at which the runtime kills
	// the process: each file call blocked in the kernel pins one thread.
	MaxBlocking = 5000
	// fileChunk is the unit of reads and writes, and of the memory a task
	// holds however large its file.
	fileChunk = 64 << 10
	// preparedBytes bounds what --op read prepares: up to 16 files of
	// --size, at most this much in all.
	preparedBytes = 64 << 20
)

// streamFile keeps the file content's draws apart from rand.go's streams.
const streamFile uint64 = 0x66696c65 // "file"

// FileOps are the values of --op.
var FileOps = []string{"write", "read", "rw"}

func init() {
	Register(Definition{
		Name:  "file",
		Usage: "real disk I/O: each task writes and/or reads a file of --size bytes in --dir",
		Params: []params.Param{
			{Name: "size", Type: "size", Default: "64KiB", Usage: "bytes each task writes or reads (B, KiB, MiB)", Sweep: true},
			{Name: "dir", Type: "string", Usage: "where the files go, in a fresh subdirectory removed afterwards (default: a temporary directory)"},
			{Name: "fsync", Type: "bool", Default: "false", Usage: "fsync each file after writing it, so the write reaches the disk"},
			{Name: "op", Type: "string", Default: "write", Usage: "write (create, write, close, remove), read (one of a few files prepared beforehand), rw (write, read back and check, remove)"},
			{Name: "max-blocking", Type: "int", Default: "1000", Usage: "tasks inside file system calls at once, per process; others wait (each blocked call holds an OS thread)"},
		},
		Validate: func(p params.Values) error {
			c, err := fileConfig(p)
			if err != nil {
				return err
			}
			return checkDir(c.base)
		},
		New: newFile,
	})
}

// fileDoer runs the file workload. Safe for concurrent use.
type fileDoer struct {
	cfg      fileCfg
	seed     int64
	dir      string        // this workload's own directory, removed by Close
	slots    chan struct{} // one per task allowed inside file calls
	prepared int           // --op read: files prepared in dir
	closing  sync.Once
	// inside, if set, runs while a task holds its slot: tests use it to
	// see how many are in at once.
	inside func()
}

type fileCfg struct {
	size        int64
	base        string // --dir, or the system's temporary directory
	fsync       bool
	op          string
	maxBlocking int
}

func fileConfig(p params.Values) (fileCfg, error) {
	var c fileCfg
	var err error
	if c.size, err = p.Size("size", 0, MaxFileSize); err != nil {
		return c, err
	}
	if c.fsync, err = p.Bool("fsync"); err != nil {
		return c, err
	}
	if c.maxBlocking, err = p.Int("max-blocking", 1, MaxBlocking); err != nil {
		return c, err
	}
	if c.maxBlocking == 0 {
		c.maxBlocking = 1000
	}
	c.op = p.String("op")
	switch c.op {
	case "":
		c.op = "write"
	case "write", "read", "rw":
	default:
		return c, params.Errorf("op", c.op, "want write, read or rw")
	}
	c.base = p.String("dir")
	if c.base == "" {
		c.base = os.TempDir()
	}
	return c, nil
}

// checkDir reports, as a *params.Error naming --dir, a base directory that
// is missing, not a directory or not writable. It creates and removes a
// directory in it: the only sure test of writability.
func checkDir(base string) error {
	st, err := os.Stat(base)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return params.Errorf("dir", base, "no such directory")
	case err != nil:
		return params.Errorf("dir", base, err.Error())
	case !st.IsDir():
		return params.Errorf("dir", base, "not a directory")
	}
	d, err := os.MkdirTemp(base, "concbench-check-")
	if err != nil {
		return params.Errorf("dir", base, "not writable: "+unwrapPath(err))
	}
	os.Remove(d)
	return nil
}

// unwrapPath drops the path from a *fs.PathError, which the caller names.
func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func newFile(c Config) (Doer, error) {
	cfg, err := fileConfig(c.Params)
	if err != nil {
		return nil, err
	}
	if err := checkDir(cfg.base); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(cfg.base, "concbench-file-")
	if err != nil {
		return nil, params.Errorf("dir", cfg.base, "not writable: "+unwrapPath(err))
	}
	f := &fileDoer{cfg: cfg, seed: c.Seed, dir: dir, slots: make(chan struct{}, cfg.maxBlocking)}
	if cfg.op == "read" {
		f.prepared = int(max(1, min(16, preparedBytes/max(cfg.size, 1))))
		for k := range f.prepared {
			if _, err := f.write(context.Background(), k, f.path("prepared", k)); err != nil {
				f.Close()
				return nil, fmt.Errorf("file workload: preparing files to read: %w", err)
			}
		}
	}
	return f, nil
}

// Close removes the workload's directory and everything in it. It blocks
// until they are removed, and may be called more than once.
func (f *fileDoer) Close() error {
	var err error
	f.closing.Do(func() { err = os.RemoveAll(f.dir) })
	return err
}

func (f *fileDoer) path(kind string, i int) string {
	return filepath.Join(f.dir, kind+"-"+strconv.Itoa(i))
}

// Do runs task i: it waits for a slot (cancellably), then writes, reads or
// both. It returns the bytes written and read. A file that reads back
// different from what was written is a "corrupt" error.
func (f *fileDoer) Do(ctx context.Context, i int) (int64, error) {
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-f.slots }()
	if f.inside != nil {
		f.inside()
	}
	switch f.cfg.op {
	case "read":
		k := i % f.prepared
		return f.read(ctx, k, f.path("prepared", k))
	case "rw":
		p := f.path("task", i)
		defer os.Remove(p)
		w, err := f.write(ctx, i, p)
		if err != nil {
			return w, err
		}
		r, err := f.read(ctx, i, p)
		return w + r, err
	}
	p := f.path("task", i)
	defer os.Remove(p)
	return f.write(ctx, i, p)
}

var chunkPool = sync.Pool{New: func() any { b := make([]byte, fileChunk); return &b }}

// write creates path with the content of task k, in chunks, and fsyncs it
// if asked. It stops between chunks if ctx ends.
func (f *fileDoer) write(ctx context.Context, k int, path string) (n int64, err error) {
	fh, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	defer func() {
		if cerr := fh.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	g := content{x: draw(f.seed, k, 0, streamFile)}
	for n < f.cfg.size {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		b := (*bp)[:min(fileChunk, f.cfg.size-n)]
		g.fill(b)
		m, err := fh.Write(b)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	if f.cfg.fsync {
		if err := fh.Sync(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// ErrCorrupt is the error of a file that reads back different from what
// was written.
var ErrCorrupt = &KindError{Kind: "corrupt", Msg: "file read back differs from what was written"}

// read reads path, which holds task k's content, and checks it.
func (f *fileDoer) read(ctx context.Context, k int, path string) (n int64, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	bp, wp := chunkPool.Get().(*[]byte), chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	defer chunkPool.Put(wp)
	g := content{x: draw(f.seed, k, 0, streamFile)}
	for n < f.cfg.size {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		b := (*bp)[:min(fileChunk, f.cfg.size-n)]
		m, err := io.ReadFull(fh, b)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		want := (*wp)[:m]
		g.fill(want)
		if !bytes.Equal(b, want) {
			return n, ErrCorrupt
		}
	}
	return n, nil
}

// content is the deterministic byte stream of one task's file: splitmix64
// from the task's seed, eight bytes per step. Successive fills continue
// the stream, so chunks of any size give the same file.
type content struct {
	x    uint64
	tail [8]byte
	left int // unread bytes of tail
}

func (c *content) fill(b []byte) {
	for len(b) > 0 && c.left > 0 {
		b[0] = c.tail[8-c.left]
		b, c.left = b[1:], c.left-1
	}
	for len(b) >= 8 {
		c.x++
		binary.LittleEndian.PutUint64(b, mix(c.x))
		b = b[8:]
	}
	if len(b) > 0 {
		c.x++
		binary.LittleEndian.PutUint64(c.tail[:], mix(c.x))
		c.left = 8 - copy(b, c.tail[:])
	}
}
