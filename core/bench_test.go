package core_test

import (
	"net/url"
	"testing"

	"github.com/hassauth/hassauth/core"
)

// BenchmarkRefreshGrant is POST /auth/token with grant_type=refresh_token
// through core.Step, as a host delivers it: form parsing, the token
// lookup, the client and user checks, the usage log, signing, and the
// reply. effects/op counts what a host has to carry out per request.
func BenchmarkRefreshGrant(b *testing.B) {
	h := newFixture(b)
	body := []byte(url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {secretOf(tokActive)}}.Encode())
	header := []core.Header{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}
	now := t0 + 1_000_000
	effects := 0
	id := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		id++
		out := h.c.Step(core.Input{Now: now, HTTP: &core.HTTPRequest{ID: id, Method: "POST", Scheme: "http",
			Path: "/auth/token", Header: header, Body: body, Remote: "192.168.1.10:50000"}})
		effects += len(out.Effects)
		if r := out.Effects[len(out.Effects)-1].Reply; r == nil || r.Status != 200 {
			b.Fatalf("no 200 reply: %+v", out.Effects)
		}
	}
	b.ReportMetric(float64(effects)/float64(b.N), "effects/op")
}

// BenchmarkAPIBearer is GET /api/ with a Bearer token through core.Step.
func BenchmarkAPIBearer(b *testing.B) {
	h := newFixture(b)
	header := []core.Header{bearer(fixtureAccess(tokActive, t0/1_000_000))}
	effects := 0
	id := uint64(0)
	b.ReportAllocs()
	for b.Loop() {
		id++
		out := h.c.Step(core.Input{Now: t0 + 1_000_000, HTTP: &core.HTTPRequest{ID: id, Method: "GET", Scheme: "http",
			Path: "/api/", Header: header, Remote: "192.168.1.10:50000"}})
		effects += len(out.Effects)
		if r := out.Effects[0].Reply; r == nil || r.Status != 200 {
			b.Fatalf("no 200 reply: %+v", out.Effects)
		}
	}
	b.ReportMetric(float64(effects)/float64(b.N), "effects/op")
}
