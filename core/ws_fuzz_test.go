package core_test

import (
	"bytes"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// FuzzWSFrames sends arbitrary frames to an authenticated connection (of a
// user who is not an admin) or to one still in its auth phase, beside a
// third connection of another user. Nothing may panic, and no frame or
// close may go to a connection other than the one written to.
func FuzzWSFrames(f *testing.F) {
	// The stored documents of two users with one refresh token each, made
	// once; every run loads them and refreshes access tokens, which costs
	// no bcrypt.
	h0 := newHarness(f, testConfig())
	h0.addUser("owner", "owner-pass")
	_, ownerRefresh := h0.tokens(h0.login("owner", "owner-pass"))
	mustCall(f, h0, core.OpCreateUser, map[string]any{"username": "bob", "password": "bob-pass", "group": "system-users"})
	_, bobRefresh := h0.tokens(h0.login("bob", "bob-pass"))
	mustCall(f, h0, core.OpFlush, nil)
	var files []core.File
	for _, p := range []string{core.PathAuth, core.PathProvider} {
		files = append(files, core.File{Path: p, Data: h0.files[p]})
	}

	for _, seed := range []string{
		`{"id":1,"type":"ping"}`,
		`[{"id":1,"type":"ping"},{"id":1,"type":"ping"},5,null]`,
		`{"id":1,"type":"auth/current_user"}`,
		`{"id":1,"type":"auth/refresh_tokens"}`,
		`{"id":2,"type":"auth/long_lived_access_token","client_name":"x","lifespan":1}`,
		`{"id":3,"type":"auth/delete_all_refresh_tokens"}`,
		`{"id":3,"type":"auth/delete_refresh_token","refresh_token_id":"x"}`,
		`{"id":4,"type":"auth/sign_path","path":"/a?b=c#d","expires":-5}`,
		`{"id":5,"type":"auth/refresh_token_set_expiry","refresh_token_id":"x","enable_expiry":true}`,
		`{"id":6,"type":"config/auth/list"}`,
		`{"id":7,"type":"config/auth/delete","user_id":"x"}`,
		`{"id":8,"type":"config/auth_provider/homeassistant/change_password","current_password":"bob-pass","new_password":"y"}`,
		`{"id":9,"type":"config/auth_provider/homeassistant/create","user_id":"x","username":"u","password":"p"}`,
		`{"type":"auth","access_token":"x"}`,
		`{"type":"auth","api_password":"x"}`,
		"{\"id\":1,\"type\":\"ping\"}\x00{\"id\":1,\"type\":\"ping\"}",
		`{"id":`,
		"",
	} {
		f.Add([]byte(seed), false, true)
		f.Add([]byte(seed), false, false)
	}
	// The messages clients send in the conformance vectors.
	for _, frame := range vectorseeds.Spread(vectorseeds.MustLoad(f).Frames, 40) {
		f.Add(frame, false, true)
		f.Add(frame, false, false)
	}
	f.Add([]byte{1, 2, 3}, true, true)
	f.Add([]byte{}, true, false)

	f.Fuzz(func(t *testing.T, data []byte, binary, toAuthed bool) {
		h := newHarness(t, testConfig(), files...)
		access := func(refresh string) string {
			r := h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
			require.Equal(t, 200, r.Status)
			return r.json(t)["access_token"].(string)
		}
		bob := h.wsConnect(access(bobRefresh))
		fresh := h.wsOpen()
		owner := h.wsConnect(access(ownerRefresh))
		_ = owner
		target := fresh
		if toAuthed {
			target = bob
		}
		for i, frame := range bytes.SplitN(data, []byte{0}, 4) {
			for _, e := range target.send(frame, binary && i == 0) {
				if e.Send != nil && e.Send.Conn != target.id {
					t.Fatalf("frame %q went to connection %d, not %d", e.Send.Data, e.Send.Conn, target.id)
				}
				if e.Close != nil && e.Close.Conn != target.id {
					t.Fatalf("connection %d closed by a frame to %d", e.Close.Conn, target.id)
				}
			}
		}
	})
}
