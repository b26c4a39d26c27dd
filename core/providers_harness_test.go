package core_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// Helpers for requests whose reply waits for an effect (a fetch, a command)
// and for configurations with fixed users.

// begin sends an HTTP request and returns its id without requiring a reply
// in the same step.
func (h *harness) begin(method, path string, body []byte, headers ...core.Header) uint64 {
	h.t.Helper()
	h.nextID++
	id := h.nextID
	target, query, _ := strings.Cut(path, "?")
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: method, Scheme: "http", Path: target, Query: query,
		Header: headers, Body: body, Remote: h.remote}})
	return id
}

// beginJSON posts a JSON body as the frontend does, without requiring a
// reply in the same step.
func (h *harness) beginJSON(path string, body any) uint64 {
	h.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(h.t, err)
	return h.begin("POST", path, b, core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
}

// answer returns the reply to request id among the last step's effects.
func (h *harness) answer(id uint64) (response, bool) {
	for _, e := range h.effects {
		if e.Reply != nil && e.Reply.ID == id {
			return response{e.Reply.Status, e.Reply.Header, e.Reply.Body}, true
		}
	}
	return response{}, false
}

// mustAnswer is answer for a reply that must be there.
func (h *harness) mustAnswer(id uint64) response {
	h.t.Helper()
	r, ok := h.answer(id)
	require.True(h.t, ok, "no reply to request %d", id)
	return r
}

// runs returns the Run effects of the last step.
func (h *harness) runs() []core.Run {
	var out []core.Run
	for _, e := range h.effects {
		if e.Run != nil {
			out = append(out, *e.Run)
		}
	}
	return out
}

// logged reports how many of the last step's log lines start with prefix.
func (h *harness) logged(prefix string) int {
	n := 0
	for _, e := range h.effects {
		if e.Log != nil && strings.HasPrefix(e.Log.Message, prefix) {
			n++
		}
	}
	return n
}

// wrongLoginLog starts the line every counted failed login writes.
const wrongLoginLog = "Login attempt or request with invalid authentication from "

// openFlow starts a login flow with handler [typ, nil] and returns the
// reply.
func (h *harness) openFlow(typ, client, redirect string) response {
	h.t.Helper()
	return h.postJSON("/auth/login_flow", map[string]any{"client_id": client, "handler": []any{typ, nil}, "redirect_uri": redirect})
}

// exchange trades a code at /auth/token and returns the reply.
func (h *harness) exchange(client, code string, extra ...string) response {
	h.t.Helper()
	form := url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {code}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return h.postForm("/auth/token", form)
}

// Users of authFixture; the ids are version 4 UUIDs as Home Assistant makes
// them.
const (
	ownerID    = "a1ab982744b64757bf80515589258924"
	userID     = "b2bc093855c54868a091626690369035"
	systemID   = "c3cd1a4966d64979b1a2737701470146"
	inactiveID = "d4de2b5a77e74a8a82b3848812581257"
	localID    = "e5ef3c6b88f84b9b93c4959923692368"
)

type fixtureUser struct {
	id, name, group       string
	owner, system, active bool
	localOnly             bool
}

var fixtureUsers = []fixtureUser{
	{id: ownerID, name: "Owner", group: "system-admin", owner: true, active: true},
	{id: systemID, name: "Test System", group: "system-read-only", system: true, active: true},
	{id: userID, name: "Test User", group: "system-users", active: true},
	{id: inactiveID, name: "Gone", group: "system-users"},
}

// authFile is .storage/auth as Home Assistant writes it, holding users and
// no credentials or tokens.
func authFile(t testing.TB, users []fixtureUser) core.File {
	t.Helper()
	type user struct {
		ID              string   `json:"id"`
		GroupIDs        []string `json:"group_ids"`
		IsOwner         bool     `json:"is_owner"`
		IsActive        bool     `json:"is_active"`
		Name            string   `json:"name"`
		SystemGenerated bool     `json:"system_generated"`
		LocalOnly       bool     `json:"local_only"`
	}
	type group struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	var us []user
	for _, u := range users {
		us = append(us, user{u.id, []string{u.group}, u.owner, u.active, u.name, u.system, u.localOnly})
	}
	doc := map[string]any{
		"version": 1, "minor_version": 1, "key": "auth",
		"data": map[string]any{
			"users":          us,
			"groups":         []group{{"system-admin", "Administrators"}, {"system-users", "Users"}, {"system-read-only", "Read Only"}},
			"credentials":    []any{},
			"refresh_tokens": []any{},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return core.File{Path: ".storage/auth", Data: b}
}

// storedAuth flushes pending writes and returns .storage/auth's data.
func (h *harness) storedAuth() map[string]any {
	h.t.Helper()
	_, err := h.call(core.OpFlush, nil)
	require.Nil(h.t, err)
	var doc struct {
		Data map[string]any `json:"data"`
	}
	require.NoError(h.t, json.Unmarshal(h.files[".storage/auth"], &doc))
	return doc.Data
}

// peer makes h.remote an address with a port, as a host reports peers.
func peer(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:40000"
	}
	return ip + ":40000"
}

func xff(v string) core.Header { return core.Header{Name: "x-forwarded-for", Value: v} }
