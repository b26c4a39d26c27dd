package native_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// zeros is an endless body of '0' bytes that counts what was read of it.
type zeros struct{ n atomic.Int64 }

func (z *zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	z.n.Add(int64(len(p)))
	return len(p), nil
}

// TestBodyLimit sends a 100 MB body to the token endpoint, once with its
// length announced and once in chunks: the answer is 413 after at most
// MaxBodyBytes were taken in, and the memory the request cost is bounded
// by the limit, not by the body.
func TestBodyLimit(t *testing.T) {
	s := start(t, t.TempDir(), &core.Config{BcryptCost: 4})
	const size = 100_000_000
	for _, tc := range []struct {
		name     string
		announce bool
		// maxAlloc bounds the bytes allocated in the whole process while
		// the request ran (client and server).
		maxAlloc uint64
		// maxSent bounds what the client got to send of the body.
		maxSent int64
	}{
		// Refused on its Content-Length: nothing of it is read.
		{"content_length", true, 4 << 20, 24 << 20},
		// Read up to the limit, in blocks that are dropped with the request.
		{"chunked", false, native.MaxBodyBytes + 8<<20, native.MaxBodyBytes + 24<<20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &zeros{}
			req, err := http.NewRequest("POST", s.srv.URL+"/auth/token", io.LimitReader(body, size))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.announce {
				req.ContentLength = size
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			// A fresh client: the server closes the connection after the
			// 413, which must not spoil the other requests.
			client := &http.Client{Transport: &http.Transport{}}
			resp, err := client.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			runtime.ReadMemStats(&after)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			assert.Equal(t, "413: Request Entity Too Large\n", string(b))
			assert.True(t, resp.Close, "the connection is closed after the 413")
			assert.Less(t, body.n.Load(), tc.maxSent, "bytes the client sent")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, tc.maxAlloc, "bytes allocated")
			t.Logf("sent %d, allocated %d", body.n.Load(), after.TotalAlloc-before.TotalAlloc)
		})
	}
	// At the limit the body is read whole and handed to the core: the
	// grant type at its very end is seen (a refresh grant without its
	// token), announced or chunked.
	const tail = "&grant_type=refresh_token"
	atLimit := "pad=" + strings.Repeat("a", native.MaxBodyBytes-len("pad=")-len(tail)) + tail
	for _, announce := range []bool{true, false} {
		req := mustRequest(t, "POST", s.srv.URL+"/auth/token", "application/x-www-form-urlencoded", atLimit)
		if !announce {
			req.Body = io.NopCloser(strings.NewReader(atLimit))
			req.ContentLength = -1
		}
		status, _, body := s.do(req)
		assert.Equal(t, 400, status)
		assert.JSONEq(t, `{"error":"invalid_request"}`, string(body), "announced: %v", announce)
	}
}

func mustRequest(t *testing.T, method, url, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	return req
}

// TestWSFrameLimit sends a message one byte over MaxFrameBytes, before and
// after auth: the connection is closed with 1009 (message too big).
func TestWSFrameLimit(t *testing.T) {
	s := start(t, t.TempDir(), &core.Config{BcryptCost: 4})
	s.call(core.OpCreateUser, map[string]string{"username": "alice", "password": "alice-pass"})
	access, _ := s.tokens(s.login("alice", "alice-pass"))
	big := `{"id":1,"type":"ping","x":"` + strings.Repeat("a", native.MaxFrameBytes) + `"}`

	readUntilClosed := func(w *wsClient) websocket.StatusCode {
		for {
			if _, err := w.read(); err != nil {
				return websocket.CloseStatus(err)
			}
		}
	}
	w := s.wsDial()
	w.write(big)
	assert.Equal(t, websocket.StatusMessageTooBig, readUntilClosed(w), "auth phase")

	w = s.wsConnect(access)
	w.write(big)
	assert.Equal(t, websocket.StatusMessageTooBig, readUntilClosed(w), "command phase")

	// A message at the limit is read: a ping padded with spaces to
	// MaxFrameBytes is answered.
	w = s.wsConnect(access)
	ping := `{"id":1,"type":"ping"}`
	w.write(ping + strings.Repeat(" ", native.MaxFrameBytes-len(ping)))
	b, err := w.read()
	require.NoError(t, err)
	assert.Equal(t, `{"id":1,"type":"pong"}`, string(b))
}

// TestWSValueLimitOverSockets sends a message of a million JSON values,
// under MaxFrameBytes: the core closes the connection with 1009.
func TestWSValueLimitOverSockets(t *testing.T) {
	s := start(t, t.TempDir(), &core.Config{BcryptCost: 4})
	s.call(core.OpCreateUser, map[string]string{"username": "alice", "password": "alice-pass"})
	access, _ := s.tokens(s.login("alice", "alice-pass"))
	w := s.wsConnect(access)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, w.c.Write(ctx, websocket.MessageText, []byte("["+strings.Repeat("0,", 999_999)+"0]")))
	_, err := w.read()
	assert.Equal(t, websocket.StatusMessageTooBig, websocket.CloseStatus(err))
}
