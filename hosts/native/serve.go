package native

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/hassauth/hassauth/core"
)

// MaxBodyBytes is the largest request body accepted, Home Assistant's
// client_max_size (16 MiB); larger bodies get 413.
const MaxBodyBytes = 16 << 20

// MaxFrameBytes is the largest websocket message accepted.
const MaxFrameBytes = 4 << 20

// bodyReadTimeout is how long a request's body may take to arrive (a
// variable for tests).
var bodyReadTimeout = 30 * time.Second

// wantedHeader reports whether the core reads a header.
var wantedHeader = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range core.HeaderNames {
		m[n] = true
	}
	return m
}()

func coreHeaders(hdr http.Header, host string) []core.Header {
	var out []core.Header
	if host != "" {
		out = append(out, core.Header{Name: "host", Value: host})
	}
	for name, values := range hdr {
		lname := strings.ToLower(name)
		if !wantedHeader[lname] || lname == "host" {
			continue
		}
		for _, v := range values {
			out = append(out, core.Header{Name: lname, Value: v})
		}
	}
	// Map order is random; the core must see the same input for the same
	// request.
	sortHeaders(out)
	return out
}

func sortHeaders(hs []core.Header) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Name < hs[j-1].Name; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

// ServeHTTP answers Home Assistant's auth endpoints and /api/websocket.
func (h *Host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/websocket" && r.Method == http.MethodGet {
		h.serveWebsocket(w, r)
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			w.Header().Set("Connection", "close")
			http.Error(w, "413: Request Entity Too Large", http.StatusRequestEntityTooLarge)
		case errors.Is(err, os.ErrDeadlineExceeded):
			w.Header().Set("Connection", "close")
			http.Error(w, "408: Request Timeout", http.StatusRequestTimeout)
		default:
			http.Error(w, "400: Bad Request", http.StatusBadRequest)
		}
		return
	}
	rep := h.exchange(w, r, body)
	if rep != nil {
		writeReply(w, r, rep)
	}
}

// readBody reads a request body of at most MaxBodyBytes. A body that
// announces a larger Content-Length is refused before a byte of it is
// read; one sent in chunks is read up to the limit. Either way the server
// closes the connection after the 413 rather than reading the rest.
//
// The body must arrive within bodyReadTimeout, so that a client sending it
// a byte at a time cannot hold a connection and its goroutine for as long
// as it likes. The deadline covers the body only: net/http lifts it when
// the body has been read to its end, and the deferred reset lifts it on the
// paths that stop earlier, so that a reply waiting for a password check is
// never cut off.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, &http.MaxBytesError{Limit: MaxBodyBytes}
	}
	if r.ContentLength != 0 {
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(bodyReadTimeout)) == nil {
			defer rc.SetReadDeadline(time.Time{})
		}
	}
	rd := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if r.ContentLength <= 0 {
		return readBlocks(rd)
	}
	// A declared length lets the buffer be made once, at its size.
	body := make([]byte, r.ContentLength)
	n, err := io.ReadFull(rd, body)
	if err == nil {
		// Nothing may follow the declared length; net/http makes sure of
		// it, the read of one byte more just reports EOF.
		var one [1]byte
		_, err = rd.Read(one[:])
	}
	if err == io.EOF {
		err = nil
	}
	return body[:n], err
}

// readBlocks reads a body of unknown length into blocks that grow to
// 1 MiB and are joined once at the end, so that a body refused for its
// size costs about the limit in memory, where io.ReadAll's growing slice
// costs several times it.
func readBlocks(rd io.Reader) ([]byte, error) {
	var blocks [][]byte
	cur := make([]byte, 0, 4<<10)
	total := 0
	for {
		if len(cur) == cap(cur) {
			blocks = append(blocks, cur)
			cur = make([]byte, 0, min(2*cap(cur), 1<<20))
		}
		n, err := rd.Read(cur[len(cur):cap(cur)])
		cur = cur[:len(cur)+n]
		total += n
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(blocks) == 0 {
		return cur, nil
	}
	out := make([]byte, 0, total)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, cur...), nil
}

// exchange hands a request to the core and waits for its reply. It answers
// 503 itself and returns nil when the host is closing, and returns nil when
// the client went away.
func (h *Host) exchange(w http.ResponseWriter, r *http.Request, body []byte) *core.Reply {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	req := &core.HTTPRequest{
		ID:     h.nextReq.Add(1),
		Method: r.Method,
		Scheme: scheme,
		Path:   r.URL.EscapedPath(),
		Query:  r.URL.RawQuery,
		Header: coreHeaders(r.Header, r.Host),
		Body:   body,
		Remote: r.RemoteAddr,
	}
	ch := make(chan *core.Reply, 1)
	if !h.submit(hostInput{in: core.Input{HTTP: req}, reply: ch}) {
		http.Error(w, "503: Service Unavailable", http.StatusServiceUnavailable)
		return nil
	}
	select {
	case rep := <-ch:
		return rep
	case <-r.Context().Done():
		id := req.ID
		h.submit(hostInput{fn: func() { delete(h.replies, id) }})
	case <-h.done:
		http.Error(w, "503: Service Unavailable", http.StatusServiceUnavailable)
	}
	return nil
}

func writeReply(w http.ResponseWriter, r *http.Request, rep *core.Reply) {
	for _, hd := range rep.Header {
		w.Header().Add(hd.Name, hd.Value)
	}
	w.WriteHeader(rep.Status)
	if r.Method != http.MethodHead {
		w.Write(rep.Body)
	}
}

// wsConn is a websocket connection: frames from the core go through a
// queue to a writer goroutine, so the loop never waits on a slow client.
// The queue follows Home Assistant's limits: a client with
// core.MaxPendingMessages frames waiting, or with more than
// core.PendingMessagePeak waiting for core.PendingMessagePeakMicros, is
// disconnected and its queue dropped.
type wsConn struct {
	id   uint64
	c    *websocket.Conn
	mu   sync.Mutex
	q    [][]byte
	wake chan struct{}
	// peak is the pending check armed when the queue rose above the peak;
	// nil below it.
	peak    stopper
	closing bool
	code    int
	reason  string
	// afterFunc is time.AfterFunc (tests replace it).
	afterFunc func(time.Duration, func()) stopper
}

// stopper is a timer that can be stopped.
type stopper interface{ Stop() bool }

func realAfterFunc(d time.Duration, f func()) stopper { return time.AfterFunc(d, f) }

const pendingPeakTime = time.Duration(core.PendingMessagePeakMicros) * time.Microsecond

// enqueue queues a frame; false when the queue reached
// core.MaxPendingMessages and the connection is being closed.
func (c *wsConn) enqueue(data []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return true
	}
	c.q = append(c.q, data)
	n := len(c.q)
	switch {
	case n >= core.MaxPendingMessages:
		c.dropLocked()
		return false
	case n <= core.PendingMessagePeak:
		c.stopPeakLocked()
	case c.peak == nil:
		c.peak = c.afterFunc(pendingPeakTime, c.checkPeak)
	}
	c.signal()
	return true
}

// checkPeak runs PendingMessagePeakMicros after the queue rose above the
// peak: a queue still at or above it means the client does not keep up.
func (c *wsConn) checkPeak() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peak = nil
	if c.closing || len(c.q) < core.PendingMessagePeak {
		return
	}
	c.dropLocked()
}

func (c *wsConn) stopPeakLocked() {
	if c.peak != nil {
		c.peak.Stop()
		c.peak = nil
	}
}

// dropLocked disconnects a client that does not keep up: what it did not
// read is dropped, as Home Assistant cancels the writer.
func (c *wsConn) dropLocked() {
	c.q = nil
	c.closeLocked(int(websocket.StatusNormalClosure), "")
}

func (c *wsConn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// close closes after the frames already queued.
func (c *wsConn) close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked(code, reason)
}

func (c *wsConn) closeLocked(code int, reason string) {
	if c.closing {
		return
	}
	c.stopPeakLocked()
	c.closing = true
	c.code, c.reason = code, reason
	c.signal()
}

// next takes the next frame to write; with none, closing says whether the
// connection should close now.
func (c *wsConn) next() (frame []byte, closing bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.q) > 0 {
		frame = c.q[0]
		c.q[0] = nil
		c.q = c.q[1:]
		return frame, false
	}
	return nil, c.closing
}

func (c *wsConn) writer(ctx context.Context) {
	for {
		frame, closing := c.next()
		if frame != nil {
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.c.Write(wctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.c.CloseNow()
				return
			}
			continue
		}
		if closing {
			c.mu.Lock()
			code, reason := c.code, c.reason
			c.mu.Unlock()
			if code == 0 {
				code = int(websocket.StatusNormalClosure)
			}
			c.c.Close(websocket.StatusCode(code), reason)
			return
		}
		select {
		case <-c.wake:
		case <-ctx.Done():
			c.c.CloseNow()
			return
		}
	}
}

func (h *Host) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	// The upgrade request goes through the core's middlewares first: a
	// banned address gets 403 and a refused forwarded header 400, as from
	// Home Assistant, before any websocket exists. 101 lets it through.
	rep := h.exchange(w, r, nil)
	if rep == nil {
		return
	}
	if rep.Status != http.StatusSwitchingProtocols {
		writeReply(w, r, rep)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	ws.SetReadLimit(MaxFrameBytes)
	conn := &wsConn{id: h.nextConn.Add(1), c: ws, wake: make(chan struct{}, 1), afterFunc: realAfterFunc}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		conn.writer(ctx)
	}()
	open := &core.WSOpen{Conn: conn.id, Remote: r.RemoteAddr, Header: coreHeaders(r.Header, r.Host)}
	if !h.submit(hostInput{in: core.Input{WSOpen: open}, conn: conn}) {
		ws.Close(websocket.StatusGoingAway, "server shutting down")
		return
	}
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			break
		}
		msg := &core.WSMessage{Conn: conn.id, Data: data, Binary: typ == websocket.MessageBinary}
		if !h.submit(hostInput{in: core.Input{WSMessage: msg}}) {
			break
		}
	}
	h.submit(hostInput{in: core.Input{WSClosed: &core.WSClosed{Conn: conn.id}}, fn: nil})
	h.submit(hostInput{fn: func() { delete(h.conns, conn.id) }})
	conn.close(int(websocket.StatusNormalClosure), "")
	select {
	case <-writerDone:
	case <-time.After(5 * time.Second):
	}
}
