package results

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes the output of write to path, as `sort -o` and
// `sponge` do:
//
//   - a regular file, or none yet, is replaced through a temporary file in
//     the same directory, synced to disk, then renamed over it (keeping
//     the old file's permissions), so a reader never sees a half written
//     file and a failed write leaves the old one in place;
//   - a symbolic link is followed and its final target replaced that way:
//     the link stays a link;
//   - a character device or a named pipe (/dev/null, a FIFO, a terminal)
//     is written straight into: it cannot be replaced, only written to;
//   - a directory, or anything else, is an error naming the path.
//
// It creates missing parent directories. It blocks until the data is on
// disk (or, for a FIFO, until a reader took it).
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	target, fi, err := resolveOutput(path)
	if err != nil {
		return err
	}
	if fi != nil && isStream(fi) {
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return f.Close()
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after a successful rename
	err = write(f)
	if err == nil {
		err = f.Sync() // the rename must not publish data still in the page cache
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	perm := fs.FileMode(0o644)
	if fi != nil {
		perm = fi.Mode().Perm()
	}
	if err := os.Chmod(f.Name(), perm); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), target); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		d.Sync()
		d.Close()
	}
	return nil
}

// CheckOutput reports, before anything runs, whether WriteFileAtomic could
// write path: a directory, a socket or an unwritable place is an error.
// stream is true for a character device or named pipe, which is written
// into once, never replaced (so not rewritten after every cell either).
func CheckOutput(path string) (stream bool, err error) {
	target, fi, err := resolveOutput(path)
	if err != nil {
		return false, err
	}
	if fi != nil && isStream(fi) {
		return true, nil
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	f, err := os.CreateTemp(dir, ".concbench-probe*")
	if err != nil {
		return false, fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	f.Close()
	return false, os.Remove(f.Name())
}

// maxLinks bounds the symbolic links followed, as the kernel's ELOOP does.
const maxLinks = 40

// resolveOutput follows the symbolic links of path to the file a write
// lands in, which may not exist yet (fi nil). It refuses a directory and
// anything that is neither a regular file nor a stream.
func resolveOutput(path string) (string, fs.FileInfo, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		switch m := fi.Mode(); {
		case m&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return "", nil, err
			}
			if !filepath.IsAbs(t) {
				t = filepath.Join(filepath.Dir(p), t)
			}
			p = t
		case m.IsDir():
			return "", nil, fmt.Errorf("%s is a directory, not a file", path)
		case m.IsRegular() || isStream(fi):
			return p, fi, nil
		default:
			return "", nil, fmt.Errorf("%s is neither a regular file, a character device nor a FIFO", path)
		}
	}
	return "", nil, fmt.Errorf("%s: too many levels of symbolic links", path)
}

func isStream(fi fs.FileInfo) bool {
	m := fi.Mode()
	return m&fs.ModeCharDevice != 0 || m&fs.ModeNamedPipe != 0
}
