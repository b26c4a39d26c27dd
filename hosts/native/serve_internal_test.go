package native

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// TestSlowBody sends the start of a body and then nothing: the server
// answers 408 once bodyReadTimeout has passed and closes the connection,
// instead of waiting for the rest for as long as the client likes. A body
// that arrives in time is answered as usual on the same kind of
// connection, however long its answer takes afterwards.
func TestSlowBody(t *testing.T) {
	old := bodyReadTimeout
	bodyReadTimeout = 100 * time.Millisecond
	t.Cleanup(func() { bodyReadTimeout = old })
	h, err := Open(Options{ConfigDir: t.TempDir(), Config: &core.Config{BcryptCost: 12}})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	_, err = conn.Write([]byte("POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant"))
	require.NoError(t, err)
	start := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	assert.True(t, resp.Close)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "not before the timeout")

	// In time: the usual answer, even when a password check at bcrypt's
	// cost of 12 makes it come well after the body's deadline.
	_, err = h.Call(context.Background(), core.OpCreateUser, []byte(`{"username":"alice","password":"alice-pass"}`))
	require.NoError(t, err)
	client := srv.URL + "/"
	post := func(path, body string) *http.Response {
		resp, err := srv.Client().Post(srv.URL+path, "text/plain;charset=UTF-8", strings.NewReader(body))
		require.NoError(t, err)
		return resp
	}
	resp = post("/auth/login_flow", `{"client_id":"`+client+`","handler":["homeassistant",null],"redirect_uri":"`+client+`"}`)
	var flow struct {
		ID string `json:"flow_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&flow))
	resp.Body.Close()
	start = time.Now()
	resp = post("/auth/login_flow/"+flow.ID, `{"client_id":"`+client+`","username":"alice","password":"alice-pass"}`)
	var step struct {
		Type string `json:"type"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&step))
	resp.Body.Close()
	assert.Equal(t, "create_entry", step.Type)
	assert.Greater(t, time.Since(start), bodyReadTimeout, "the answer came after the body's deadline")
}
