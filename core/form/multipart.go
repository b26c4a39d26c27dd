package form

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// The multipart/form-data reader. It follows Go's mime/multipart Reader
// (with net/textproto's header reader and mime/quotedprintable), which this
// package used before, rule for rule, so that every body gives the same
// fields as before: FuzzMultipartMatchesStd checks that against the
// standard library. Only what a form field needs is kept (no files, no
// spooling); the library is not linked because it and what it imports
// (net, os, fmt, crypto/rand) made up a fifth of the WebAssembly module.
//
// The standard reader works through a 4096-byte bufio.Reader, whose size
// decides where over-long lines fail, so this one does too.

// bufferSize is mime/multipart's peekBufferSize; quoted-printable decoding
// reads through a bufio.Reader of the same (default) size.
const bufferSize = 4096

// Header limits of mime/multipart's NextPart (its defaults).
const (
	maxHeaderBytes   = 10 << 20
	maxHeaderLines   = 10000
	headerMapBytes   = 400
	headerEntryBytes = 200
)

// errStop ends the reading of a form: every error of the standard reader
// is one, and the fields read before it are kept.
var errStop = errors.New("form: malformed multipart body")

type multipartReader struct {
	br        *bufio.Reader
	current   *part
	partsRead int

	nl               []byte // "\r\n", or "\n" when the first boundary line ends so
	nlDashBoundary   []byte // nl + "--" + boundary
	dashBoundaryDash []byte // "--" + boundary + "--"
	dashBoundary     []byte // "--" + boundary
}

func newMultipartReader(body []byte, boundary string) *multipartReader {
	b := []byte("\r\n--" + boundary + "--")
	return &multipartReader{
		br:               bufio.NewReaderSize(bytes.NewReader(body), bufferSize),
		nl:               b[:2],
		nlDashBoundary:   b[:len(b)-2],
		dashBoundaryDash: b[2:],
		dashBoundary:     b[2 : len(b)-2],
	}
}

// part is one part of the body; its data is read through src (the raw
// data, or its quoted-printable decoding).
type part struct {
	mr          *multipartReader
	disposition string
	src         io.Reader

	n       int   // data bytes known to be waiting in mr.br
	total   int64 // data bytes read so far
	err     error // what to return once n is 0
	readErr error // the read error seen while looking for the boundary
}

// nextPart skips the rest of the current part and returns the next one, or
// false at the end of the body or at the first malformed line.
func (r *multipartReader) nextPart() (*part, bool) {
	if r.current != nil {
		// Errors while skipping show up in the next line read.
		io.Copy(io.Discard, r.current.src)
	}
	expectNewPart := false
	for {
		line, err := r.br.ReadSlice('\n')
		if err != nil {
			return nil, false
		}
		if r.isBoundaryDelimiterLine(line) {
			r.partsRead++
			p, ok := r.newPart()
			if !ok {
				return nil, false
			}
			r.current = p
			return p, true
		}
		if r.isFinalBoundary(line) || expectNewPart {
			return nil, false
		}
		if r.partsRead == 0 {
			// The preamble.
			continue
		}
		if bytes.Equal(line, r.nl) {
			expectNewPart = true
			continue
		}
		return nil, false
	}
}

func (r *multipartReader) isFinalBoundary(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, r.dashBoundaryDash)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	return len(rest) == 0 || bytes.Equal(rest, r.nl)
}

func (r *multipartReader) isBoundaryDelimiterLine(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, r.dashBoundary)
	if !ok {
		return false
	}
	rest = skipLWSP(rest)
	// The first boundary line decides whether lines end in CRLF or LF.
	if r.partsRead == 0 && len(rest) == 1 && rest[0] == '\n' {
		r.nl = r.nl[1:]
		r.nlDashBoundary = r.nlDashBoundary[1:]
	}
	return bytes.Equal(rest, r.nl)
}

func skipLWSP(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// newPart reads a part's header.
func (r *multipartReader) newPart() (*part, bool) {
	h, ok := readPartHeader(r.br)
	if !ok {
		return nil, false
	}
	p := &part{mr: r, disposition: h.disposition}
	p.src = partData{p}
	if strings.EqualFold(h.transferEncoding, "quoted-printable") {
		p.src = &quotedPrintable{br: bufio.NewReaderSize(p.src, bufferSize)}
	}
	return p, true
}

// formName is the name parameter of a "form-data" Content-Disposition,
// or "".
func (p *part) formName() string {
	disposition, params, ok := parseMediaType(p.disposition)
	if !ok || disposition != "form-data" {
		return ""
	}
	return params["name"]
}

// partData reads a part's raw data up to the boundary.
type partData struct{ p *part }

func (pd partData) Read(d []byte) (int, error) {
	p := pd.p
	br := p.mr.br
	// Look for the boundary in what is buffered until some data is known
	// to come before it, reading more when nothing is.
	for p.n == 0 && p.err == nil {
		peek, _ := br.Peek(br.Buffered())
		p.n, p.err = scanUntilBoundary(peek, p.mr.dashBoundary, p.mr.nlDashBoundary, p.total, p.readErr)
		if p.n == 0 && p.err == nil {
			_, p.readErr = br.Peek(len(peek) + 1)
			if p.readErr == io.EOF {
				p.readErr = io.ErrUnexpectedEOF
			}
		}
	}
	if p.n == 0 {
		return 0, p.err
	}
	n, _ := br.Read(d[:min(len(d), p.n)])
	p.total += int64(n)
	p.n -= n
	if p.n == 0 {
		return n, p.err
	}
	return n, nil
}

// scanUntilBoundary returns how many bytes of buf are data and, when the
// part ends within buf, io.EOF (or the read error).
func scanUntilBoundary(buf, dashBoundary, nlDashBoundary []byte, total int64, readErr error) (int, error) {
	if total == 0 {
		// A part that starts right at the boundary is empty.
		if bytes.HasPrefix(buf, dashBoundary) {
			switch matchAfterPrefix(buf, dashBoundary, readErr) {
			case -1:
				return len(dashBoundary), nil
			case 0:
				return 0, nil
			case +1:
				return 0, io.EOF
			}
		}
		if bytes.HasPrefix(dashBoundary, buf) {
			return 0, readErr
		}
	}
	if i := bytes.Index(buf, nlDashBoundary); i >= 0 {
		switch matchAfterPrefix(buf[i:], nlDashBoundary, readErr) {
		case -1:
			return i + len(nlDashBoundary), nil
		case 0:
			return i, nil
		case +1:
			return i, io.EOF
		}
	}
	if bytes.HasPrefix(nlDashBoundary, buf) {
		return 0, readErr
	}
	// Data up to a possible start of the boundary at the end of buf.
	i := bytes.LastIndexByte(buf, nlDashBoundary[0])
	if i >= 0 && bytes.HasPrefix(nlDashBoundary, buf[i:]) {
		return i, nil
	}
	return len(buf), readErr
}

// matchAfterPrefix tells, for buf starting with prefix, whether it is the
// boundary (+1), is not (-1), or cannot tell yet (0).
func matchAfterPrefix(buf, prefix []byte, readErr error) int {
	if len(buf) == len(prefix) {
		if readErr != nil {
			return +1
		}
		return 0
	}
	c := buf[len(prefix)]
	if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
		return +1
	}
	// "--" after the boundary is the final one; a single '-' is not yet
	// known.
	if c == '-' {
		if len(buf) == len(prefix)+1 {
			if readErr != nil {
				return -1
			}
			return 0
		}
		if buf[len(prefix)+1] == '-' {
			return +1
		}
	}
	return -1
}

// partHeader is what a part's header says that a form needs: the first
// Content-Disposition and Content-Transfer-Encoding values.
type partHeader struct {
	disposition, transferEncoding string
	haveDisposition, haveEncoding bool
}

// readPartHeader reads header lines up to the blank line, with
// net/textproto's rules: continuation lines, keys of token characters
// (a space before the colon is tolerated, and the key then kept as it is),
// values of visible characters, spaces, tabs and bytes >= 0x80, and the
// limits on the count and size of the lines.
func readPartHeader(br *bufio.Reader) (partHeader, bool) {
	var h partHeader
	if b, err := br.Peek(1); err == nil && (b[0] == ' ' || b[0] == '\t') {
		return h, false
	}
	budget := int64(maxHeaderBytes - headerMapBytes)
	lines := maxHeaderLines
	seen := map[string]bool{}
	for {
		kv, ok := readContinuedLine(br, budget)
		if !ok {
			return h, false
		}
		if len(kv) == 0 {
			return h, true
		}
		k, v, _ := bytes.Cut(kv, []byte{':'})
		key, ok := canonicalHeaderKey(k)
		if !ok {
			return h, false
		}
		for _, c := range v {
			if !validHeaderValueByte(c) {
				return h, false
			}
		}
		if lines--; lines < 0 {
			return h, false
		}
		value := string(bytes.TrimLeft(v, " \t"))
		if !seen[key] {
			seen[key] = true
			budget -= int64(len(key)) + headerEntryBytes
		}
		if budget -= int64(len(value)); budget < 0 {
			return h, false
		}
		switch {
		case key == "Content-Disposition" && !h.haveDisposition:
			h.disposition, h.haveDisposition = value, true
		case key == "Content-Transfer-Encoding" && !h.haveEncoding:
			h.transferEncoding, h.haveEncoding = value, true
		}
	}
}

// readContinuedLine reads a header line and the continuation lines after
// it (those starting with a space or tab), trimmed and joined with one
// space; a blank line gives an empty slice.
func readContinuedLine(br *bufio.Reader, limit int64) ([]byte, bool) {
	line, ok := readLine(br, limit)
	if !ok || len(line) == 0 {
		return line, ok
	}
	if bytes.IndexByte(line, ':') < 0 {
		return nil, false
	}
	buf := append([]byte(nil), trimLWSP(line)...)
	limit -= int64(len(buf))
	for skipSpaces(br) > 0 {
		buf = append(buf, ' ')
		if int64(len(buf)) >= limit {
			return nil, false
		}
		line, ok := readLine(br, limit-int64(len(buf)))
		if !ok {
			// As in net/textproto, the failure is not the header's: the
			// next line read fails again, or, after an over-long line,
			// reads on from where this one stopped.
			break
		}
		buf = append(buf, trimLWSP(line)...)
	}
	return buf, true
}

// readLine reads one line without its line ending, failing when it is
// longer than limit.
func readLine(br *bufio.Reader, limit int64) ([]byte, bool) {
	var line []byte
	for {
		l, more, err := br.ReadLine()
		if err != nil {
			return nil, false
		}
		if limit >= 0 && int64(len(line))+int64(len(l)) > limit {
			return nil, false
		}
		line = append(line, l...)
		if !more {
			return line, true
		}
	}
}

func skipSpaces(br *bufio.Reader) int {
	n := 0
	for {
		c, err := br.ReadByte()
		if err != nil {
			return n
		}
		if c != ' ' && c != '\t' {
			br.UnreadByte()
			return n
		}
		n++
	}
}

func trimLWSP(s []byte) []byte {
	return bytes.TrimRight(skipLWSP(s), " \t")
}

// canonicalHeaderKey is textproto's canonical form of a header key: a
// letter at the start or after '-' upper case, the other letters lower
// case. A key with a space is valid but kept as it is.
func canonicalHeaderKey(k []byte) (string, bool) {
	if len(k) == 0 {
		return "", false
	}
	keep := false
	for _, c := range k {
		switch {
		case validHeaderFieldByte(c):
		case c == ' ':
			keep = true
		default:
			return "", false
		}
	}
	if keep {
		return string(k), true
	}
	b := make([]byte, len(k))
	upper := true
	for i, c := range k {
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
		upper = c == '-'
	}
	return string(b), true
}

// validHeaderFieldByte reports whether c may be part of a header key: an
// RFC 7230 token character.
func validHeaderFieldByte(c byte) bool {
	return c > ' ' && c < 0x7f && strings.IndexByte(`()<>@,;:\"/[]?={}`, c) < 0
}

// validHeaderValueByte reports whether c may be part of a header value:
// visible ASCII, space, tab, or any byte >= 0x80.
func validHeaderValueByte(c byte) bool {
	return c == '\t' || c >= ' ' && c != 0x7f
}

// quotedPrintable decodes a part's Content-Transfer-Encoding:
// quoted-printable, as mime/quotedprintable's Reader does.
type quotedPrintable struct {
	br   *bufio.Reader
	rerr error  // the error that came with the last line
	line []byte // what is left of the line being decoded
}

func (q *quotedPrintable) Read(p []byte) (n int, err error) {
	for len(p) > 0 {
		if len(q.line) == 0 {
			if q.rerr != nil {
				return n, q.rerr
			}
			q.line, q.rerr = q.br.ReadSlice('\n')
			hasLF := bytes.HasSuffix(q.line, []byte("\n"))
			hasCR := bytes.HasSuffix(q.line, []byte("\r\n"))
			whole := q.line
			q.line = bytes.TrimRight(whole, "\n\r \t")
			if bytes.HasSuffix(q.line, []byte("=")) {
				// A soft line break: "=" then only white space to the end
				// of the line (or of the data).
				after := bytes.TrimLeft(whole[len(q.line):], " \t")
				q.line = q.line[:len(q.line)-1]
				if !bytes.HasPrefix(after, []byte("\n")) && !bytes.HasPrefix(after, []byte("\r\n")) &&
					!(len(after) == 0 && len(q.line) > 0 && q.rerr == io.EOF) {
					q.rerr = errStop
				}
			} else if hasLF {
				if hasCR {
					q.line = append(q.line, '\r', '\n')
				} else {
					q.line = append(q.line, '\n')
				}
			}
			continue
		}
		b := q.line[0]
		switch {
		case b == '=':
			if len(q.line) < 3 || !isHex(q.line[1]) || !isHex(q.line[2]) {
				// A malformed escape is kept as it is, unless it is cut off
				// by the end of the line.
				if len(q.line) >= 2 && q.line[1] != '\r' && q.line[1] != '\n' {
					break
				}
				return n, errStop
			}
			b = unhex(q.line[1])<<4 | unhex(q.line[2])
			q.line = q.line[2:]
		case b == '\t' || b == '\r' || b == '\n' || b >= 0x80:
		case b < ' ' || b > '~':
			return n, errStop
		}
		p[0] = b
		p = p[1:]
		q.line = q.line[1:]
		n++
	}
	return n, nil
}
