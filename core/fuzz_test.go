package core_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/storage"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// fuzzProviderDoc is a homeassistant provider store with alice/secret,
// hashed once at bcrypt's lowest cost.
var fuzzProviderDoc = sync.OnceValue(func() []byte {
	var salt [16]byte
	h := password.Hash("secret", salt, 4)
	return storage.EncodeProvider(storage.ProviderData{Users: []storage.ProviderUser{{Username: "alice", Password: password.EncodeStored(h)}}})
})

// fuzzConfig has both password providers, so that fuzzed bodies reach
// bcrypt work as well as the inline checks.
func fuzzConfig() core.Config {
	cfg := exampleConfig()
	cfg.Providers = append(cfg.Providers, core.ProviderConfig{Type: "homeassistant"})
	cfg.URLs = []string{"http://homeassistant.local:8123"}
	return cfg
}

// fuzzCore is a loaded core with the fixture's users and one login flow of
// each provider open, whose ids are the same on every run.
func fuzzCore(t testing.TB) (*harness, []string) {
	h := newHarness(t, fuzzConfig(),
		core.File{Path: core.PathAuth, Data: fixtureAuth()},
		core.File{Path: core.PathProvider, Data: fuzzProviderDoc()})
	flows := []string{
		h.startFlow([]any{"insecure_example", nil}, clientID, redirectURI),
		h.startFlow([]any{"homeassistant", nil}, clientID, "https://elsewhere.example/cb"),
	}
	return h, flows
}

// parseHeaders reads "name: value" lines.
func parseHeaders(s string) []core.Header {
	var out []core.Header
	for _, line := range strings.Split(s, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			out = append(out, core.Header{Name: name, Value: strings.TrimPrefix(value, " ")})
		}
	}
	return out
}

// FuzzHTTPRequest sends one arbitrary request to a loaded core, carrying
// out the work and answering the fetches it asks for, and checks that the
// core never panics, answers exactly once with a valid status, and never
// stops.
func FuzzHTTPRequest(f *testing.F) {
	_, flows := fuzzCore(f)
	const form = "content-type: application/x-www-form-urlencoded"
	const text = "content-type: text/plain;charset=UTF-8"
	step := `{"client_id":"` + clientID + `","username":"test-user","password":"test-pass"}`
	seeds := []struct {
		method, path, query, headers, body, remote string
	}{
		{"GET", "/auth/providers", "", "", "", "192.168.1.10:5000"},
		{"GET", "/auth/providers", "", "", "", ""},
		{"GET", "/.well-known/oauth-authorization-server", "", "host: homeassistant.local:8123", "", "1.2.3.4"},
		{"POST", "/auth/login_flow", "", text, `{"client_id":"` + clientID + `","handler":["insecure_example",null],"redirect_uri":"` + redirectURI + `"}`, "192.168.1.10:5000"},
		{"POST", "/auth/login_flow", "", text, `{"client_id":"` + clientID + `","handler":["homeassistant",null],"redirect_uri":"x","code_challenge":"` + strings.Repeat("a", 43) + `","code_challenge_method":"S256"}`, "192.168.1.10:5000"},
		{"POST", "/auth/login_flow", "", text, `{"client_id":[],"handler":{"a":null}}`, "192.168.1.10:5000"},
		{"GET", "/auth/login_flow", "", "", "", "192.168.1.10:5000"},
		{"POST", "/auth/login_flow/" + flows[0], "", text, step, "192.168.1.10:5000"},
		{"POST", "/auth/login_flow/" + flows[0], "", text, step, "10.0.0.1:5000"},
		{"POST", "/auth/login_flow/" + flows[0], "", text, `{"client_id":"` + clientID + `","username":"local-user","password":"test-pass"}`, "192.168.1.10:5000"},
		{"POST", "/auth/login_flow/" + flows[1], "", text, `{"client_id":"` + clientID + `","username":"alice","password":"secret"}`, "192.168.1.10:5000"},
		{"POST", "/auth/login_flow/" + flows[1], "", text, `{"client_id":"` + clientID + `","username":"bob","password":"x"}`, "192.168.1.10:5000"},
		{"DELETE", "/auth/login_flow/" + flows[0], "", "", "", "192.168.1.10:5000"},
		{"GET", "/auth/login_flow/" + flows[0], "", "", "", "192.168.1.10:5000"},
		{"POST", "/auth/token", "", form, "grant_type=refresh_token&client_id=" + clientID + "&refresh_token=" + secretOf(tokActive), "192.168.1.10:5000"},
		{"POST", "/auth/token", "", form, "grant_type=refresh_token&refresh_token=" + secretOf(tokSystem), "[::1]:5000"},
		{"POST", "/auth/token", "", form, "grant_type=authorization_code&client_id=" + clientID + "&code=x&code_verifier=y", "192.168.1.10:5000"},
		{"POST", "/auth/token", "", "content-type: multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nrefresh_token\r\n--X--\r\n", "192.168.1.10:5000"},
		{"POST", "/auth/token", "", form, "action=revoke&token=" + secretOf(tokLocal), "192.168.1.10:5000"},
		{"POST", "/auth/revoke", "", form, "token=%zz&token=" + secretOf(tokActive), "192.168.1.10:5000"},
		{"OPTIONS", "/auth/token", "", "origin: http://example.com\naccess-control-request-method: POST\naccess-control-request-headers: authorization, x-odd", "", "192.168.1.10:5000"},
		{"GET", "/api/", "", "authorization: Bearer " + fixtureAccess(tokActive, t0/1_000_000), "", "192.168.1.10:5000"},
		{"GET", "/api/", "", "authorization: Bearer " + fixtureAccess(tokLocal, t0/1_000_000), "", "8.8.8.8:5000"},
		{"GET", "/api/", "authSig=abc&width=1", "", "", "192.168.1.10:5000"},
		{"HEAD", "/api/", "", "x-forwarded-for: 1.2.3.4, 5.6.7.8\nx-forwarded-proto: https\nx-forwarded-host: a", "", "192.168.1.10:5000"},
		{"PUT", "/auth/providers", "", "", "", "192.168.1.10:5000"},
		{"GET", "/nope", "", "", "", "192.168.1.10:5000"},
		{"POST", "/auth/login_flow", "", text, "\xff\xfe{\"a\":\"\xc3\x28\"}", "192.168.1.10:5000"},
		{"POST", "/auth/login_flow", "", text, strings.Repeat("[", 10000), "192.168.1.10:5000"},
		{"", "", "", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.headers, []byte(s.body), s.remote)
	}
	// The requests of the conformance vectors.
	for _, r := range vectorseeds.Spread(vectorseeds.MustLoad(f).HTTP, 40) {
		var headers strings.Builder
		for _, hd := range r.Header {
			headers.WriteString(hd[0] + ": " + hd[1] + "\n")
		}
		f.Add(r.Method, r.Path, r.Query, headers.String(), r.Body, r.Remote)
	}
	f.Fuzz(func(t *testing.T, method, path, query, headers string, body []byte, remote string) {
		h, _ := fuzzCore(t)
		const id = 1 << 40
		effects := h.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: method, Scheme: "http", Path: path, Query: query,
			Header: parseHeaders(headers), Body: body, Remote: remote}})
		replies := 0
		for round := 0; ; round++ {
			var fetches []core.Fetch
			for _, e := range effects {
				switch {
				case e.Reply != nil:
					if e.Reply.ID != id {
						t.Fatalf("reply to request %d, which was never sent", e.Reply.ID)
					}
					replies++
					if e.Reply.Status < 100 || e.Reply.Status > 599 {
						t.Fatalf("status %d", e.Reply.Status)
					}
				case e.Fatal != nil:
					t.Fatalf("fatal: %+v", *e.Fatal)
				case e.Fetch != nil:
					fetches = append(fetches, *e.Fetch)
				}
			}
			if len(fetches) == 0 {
				break
			}
			if round > 4 {
				t.Fatal("fetches never end")
			}
			effects = nil
			for i, fe := range fetches {
				res := &core.FetchResult{ID: fe.ID, Error: "refused"}
				if i%2 == 0 {
					res = &core.FetchResult{ID: fe.ID, Status: 200, Body: body}
				}
				effects = append(effects, h.step(core.Input{FetchDone: res})...)
			}
		}
		if replies != 1 {
			t.Fatalf("%d replies", replies)
		}
	})
}

// FuzzLoad hands the core arbitrary stored documents: it never panics;
// either it refuses them with a Fatal and writes nothing, or it works and
// what it writes loads again.
func FuzzLoad(f *testing.F) {
	f.Add(fixtureAuth(), fuzzProviderDoc(), []byte(nil))
	f.Add([]byte(`{"version":1,"key":"auth","data":{}}`), []byte(`{"version":1,"key":"auth_provider.homeassistant","data":{"users":[{"username":"A ","password":"!!"}]}}`),
		[]byte(`{"version":1,"key":"auth_module.totp","data":{"users":{"a0000000000000000000000000000001":"JBSWY3DPEHPK3PXP"}}}`))
	f.Add([]byte(`{"version":1,"key":"auth","data":{"users":[{"id":"u","is_owner":true,"is_active":true,"name":null,"system_generated":false}],`+
		`"refresh_tokens":[{"id":"t","user_id":"u","client_id":null,"client_name":null,"client_icon":null,"created_at":"2018-10-03T13:43:19.774637+00:00",`+
		`"access_token_expiration":1800.0,"token":"x","jwt_key":"y","last_used_at":"","expire_at":1e300}]}}`), []byte(`{}`), []byte(`[]`))
	f.Add([]byte(`null`), []byte(``), []byte(`{"version":1,"key":"auth_module.totp","data":{"users":[]}}`))
	// The stored documents of the conformance vectors, side by side.
	vs := vectorseeds.MustLoad(f)
	auths := vs.Files[core.PathAuth]
	providers, totps := vs.Files[core.PathProvider], vs.Files[core.PathTOTP]
	for i, a := range vectorseeds.Spread(auths, 12) {
		var p, t []byte
		if len(providers) > 0 {
			p = providers[i%len(providers)]
		}
		if len(totps) > 0 {
			t = totps[i%len(totps)]
		}
		f.Add(a, p, t)
	}
	f.Fuzz(func(t *testing.T, auth, provider, totp []byte) {
		var files []core.File
		for _, d := range []struct {
			path string
			data []byte
		}{{core.PathAuth, auth}, {core.PathProvider, provider}, {core.PathTOTP, totp}} {
			if d.data != nil {
				files = append(files, core.File{Path: d.path, Data: d.data})
			}
		}
		var seed [32]byte
		c, err := core.New(fuzzConfig(), seed)
		if err != nil {
			t.Fatal(err)
		}
		out := c.Step(core.Input{Now: t0, Load: &core.Load{Files: files}})
		fatal := false
		for _, e := range out.Effects {
			if e.Write != nil || e.Append != nil {
				t.Fatal("the load wrote")
			}
			fatal = fatal || e.Fatal != nil
		}
		out = c.Step(core.Input{Now: t0 + 1, Call: &core.Call{ID: 1, Op: core.OpFlush}})
		var written []byte
		for _, e := range out.Effects {
			if e.Write != nil {
				if fatal {
					t.Fatal("wrote after a fatal load")
				}
				if e.Write.Path == core.PathAuth {
					written = e.Write.Data
				}
			}
		}
		if fatal {
			return
		}
		if written == nil {
			t.Fatal("the flush after a load wrote no .storage/auth")
		}
		if _, _, err := storage.DecodeAuth(written); err != nil {
			t.Fatalf("written .storage/auth does not load: %v\n%s", err, written)
		}
		out = c.Step(core.Input{Now: t0 + 2, HTTP: &core.HTTPRequest{ID: 2, Method: "GET", Path: "/auth/providers", Remote: "127.0.0.1"}})
		replies := 0
		for _, e := range out.Effects {
			if e.Reply != nil {
				replies++
			}
		}
		if replies != 1 {
			t.Fatalf("%d replies", replies)
		}
	})
}
