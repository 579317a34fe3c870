package network

import (
	"bufio"
	"bytes"
	"io"
	"sync"
)

// h1Response reads one HTTP/1.x response (after any 1xx interim ones),
// discarding its body as it streams. It follows RFC 9112's message
// framing: a body ends at its chunked terminator, else after
// Content-Length bytes, else when the server closes the connection.
type h1Response struct {
	br   *bufio.Reader
	head bool // the request was HEAD: no body, whatever the headers say
	// wantLocation keeps the Location field (redirects are followed).
	wantLocation bool

	code int
	n    int64 // body bytes
	keep bool  // the connection may carry another request
	seen int   // bytes of response head so far

	location string
}

func (r *h1Response) read() error {
	for {
		minor, err := r.status()
		if err != nil {
			return err
		}
		length, chunked, closing, keepAlive, err := r.headers()
		if err != nil {
			return err
		}
		if r.code < 200 {
			if r.code == 101 {
				return protocolError("unexpected 101 Switching Protocols")
			}
			continue // interim: the final response follows
		}
		r.keep = !closing && (minor >= 1 || keepAlive)
		switch {
		case r.head || r.code == 204 || r.code == 304:
			return nil
		case chunked:
			return r.chunks()
		case length >= 0:
			r.n, err = r.skip(length)
			return err
		default:
			r.keep = false
			r.n, err = r.br.WriteTo(io.Discard) // nil at EOF
			return err
		}
	}
}

// skipBuffers hold bodies on their way to nowhere: a body longer than the
// connection's buffer is read straight into one, in large reads.
var skipBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// skip discards n bytes of body and returns how many it read.
func (r *h1Response) skip(n int64) (int64, error) {
	if n <= int64(r.br.Buffered()) {
		d, _ := r.br.Discard(int(n))
		return int64(d), nil
	}
	bp := skipBuffers.Get().(*[]byte)
	defer skipBuffers.Put(bp)
	var done int64
	for done < n {
		k, err := r.br.Read((*bp)[:min(n-done, int64(len(*bp)))])
		done += int64(k)
		if err != nil {
			return done, unexpectedEOF(err)
		}
	}
	return done, nil
}

// line returns the next line without its CR LF. The bytes are valid until
// the next read.
func (r *h1Response) line() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), b...)
		for err == bufio.ErrBufferFull && len(long) <= h1MaxLine {
			b, err = r.br.ReadSlice('\n')
			long = append(long, b...)
		}
		if len(long) > h1MaxLine {
			return nil, protocolError("a line is over %d bytes", h1MaxLine)
		}
		b = long
	}
	if err != nil {
		return nil, unexpectedEOF(err)
	}
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, nil
}

// headLine is line, counted against the bound on a response's head.
func (r *h1Response) headLine() ([]byte, error) {
	b, err := r.line()
	r.seen += len(b) + 2
	if err == nil && r.seen > h1MaxHeader {
		return nil, protocolError("response head over %d bytes", h1MaxHeader)
	}
	return b, err
}

// status parses "HTTP/1.x NNN reason" and returns x.
func (r *h1Response) status() (minor int, err error) {
	b, err := r.headLine()
	if err != nil {
		return 0, err
	}
	if len(b) < 12 || string(b[:7]) != "HTTP/1." || !digit(b[7]) || b[8] != ' ' ||
		!digit(b[9]) || !digit(b[10]) || !digit(b[11]) || b[9] == '0' || len(b) > 12 && b[12] != ' ' {
		return 0, protocolError("status line %q", clip(b))
	}
	r.code = int(b[9]-'0')*100 + int(b[10]-'0')*10 + int(b[11]-'0')
	return int(b[7] - '0'), nil
}

// headers reads the header fields up to the empty line and returns what
// framing needs. length is -1 when no Content-Length applies.
func (r *h1Response) headers() (length int64, chunked, closing, keepAlive bool, err error) {
	length = -1
	te := false
	for {
		b, err := r.headLine()
		if err != nil {
			return 0, false, false, false, err
		}
		if len(b) == 0 {
			break
		}
		if b[0] == ' ' || b[0] == '\t' {
			continue // obsolete line folding, of a field framing never reads
		}
		i := bytes.IndexByte(b, ':')
		if i <= 0 {
			return 0, false, false, false, protocolError("header line %q", clip(b))
		}
		name, value := b[:i], bytes.Trim(b[i+1:], " \t")
		switch {
		case fold(name, "content-length"):
			v, ok := decimal(value)
			if !ok || length >= 0 && v != length {
				return 0, false, false, false, protocolError("Content-Length %q", clip(value))
			}
			length = v
		case fold(name, "transfer-encoding"):
			te = true
			last := value
			if j := bytes.LastIndexByte(value, ','); j >= 0 {
				last = bytes.Trim(value[j+1:], " \t")
			}
			chunked = fold(last, "chunked")
		case r.wantLocation && fold(name, "location"):
			r.location = string(value)
		case fold(name, "connection"):
			for tok := range bytes.SplitSeq(value, []byte{','}) {
				tok = bytes.Trim(tok, " \t")
				closing = closing || fold(tok, "close")
				keepAlive = keepAlive || fold(tok, "keep-alive")
			}
		}
	}
	if te {
		length = -1 // Transfer-Encoding overrides Content-Length
	}
	return length, chunked, closing, keepAlive, nil
}

// chunks discards a chunked body and its trailer section.
func (r *h1Response) chunks() error {
	for {
		b, err := r.line()
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(b, ';'); i >= 0 {
			b = b[:i] // chunk extensions
		}
		size, ok := hex(bytes.Trim(b, " \t"))
		if !ok {
			return protocolError("chunk size %q", clip(b))
		}
		if size == 0 {
			r.seen = 0
			for {
				b, err := r.headLine() // trailer fields
				if err != nil || len(b) == 0 {
					return err
				}
			}
		}
		d, err := r.skip(size)
		r.n += d
		if err != nil {
			return err
		}
		if b, err := r.line(); err != nil || len(b) != 0 {
			if err != nil {
				return err
			}
			return protocolError("chunk data longer than its size")
		}
	}
}

// unexpectedEOF turns io.EOF into io.ErrUnexpectedEOF: the response was
// cut short.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func digit(c byte) bool { return '0' <= c && c <= '9' }

// fold reports whether b equals the lower-case ASCII s, ignoring case.
func fold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// decimal parses a non-negative decimal below 2^62.
func decimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if !digit(c) {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// hex parses a chunk size below 2^60; leading zeros do not count
// against its 15 digits.
func hex(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > 15 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		switch {
		case digit(c):
			v = v<<4 | int64(c-'0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			v = v<<4 | int64(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// clip shortens a quoted fragment of a bad response for an error message.
func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
