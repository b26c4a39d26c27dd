package indieauth

import (
	"errors"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

var seedURLs = []string{
	"http://ex.com/", "https://ex.com", "ftp://ex.com", "http://ex.com/hello/./yo", "http://ex.com/#f",
	"http://user:pass@ex.com/", "http://[::1]", "http://[::1]:8123/", "http://11.0.0.0/", "http://8.8.8.8:80/",
	"http://[2001:db8::1]/", "http://[::ffff:169.254.1.1]/", "http://[fe80::1%25eth0]/", "http://[v1.x]/",
	"http://[::1", "http://::1]/", "http://a[::1]/", "http://[::1]x/", "http://\u2100/", "http://\u0391\u03a3/",
	"http://", "http:///x", " \x00http://EX.COM:0080/a;b?c#", "invalid", "", "http://ex.com:99999/",
	"https://home-assistant.io/android", "homeassistant://auth-callback", "http://[x]@ex.com/",
}

func FuzzParseClientID(f *testing.F) {
	for _, s := range seedURLs {
		f.Add(s)
	}
	for _, c := range vectorseeds.MustLoad(f).Clients() {
		f.Add(c[0])
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseClientID(s)
		if VerifyClientID(s) != (err == nil) {
			t.Fatalf("VerifyClientID and ParseClientID disagree on %q", s)
		}
		pu, perr := ParseURL(s)
		if err != nil {
			known := []error{ErrURL, ErrScheme, ErrDotSegment, ErrFragment, ErrUserinfo, ErrPort, ErrAddress, ErrNoHost}
			for _, k := range known {
				if errors.Is(err, k) {
					if errors.Is(err, ErrURL) != (perr != nil) {
						t.Fatalf("ParseURL(%q) = %v but ParseClientID = %v", s, perr, err)
					}
					return
				}
			}
			t.Fatalf("ParseClientID(%q): unexpected error %v", s, err)
		}
		if perr != nil || pu != u {
			t.Fatalf("ParseURL(%q) = %+v, %v; ParseClientID = %+v", s, pu, perr, u)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Fragment != "" || u.HasUserinfo || u.Netloc == "" {
			t.Fatalf("accepted %q as %+v", s, u)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("accepted %q with a dot segment: %+v", s, u)
			}
		}
		if u.Port != "" && !validPort(u.Port) {
			t.Fatalf("accepted %q with port %q", s, u.Port)
		}
		if u.Netloc != pyLower(u.Netloc) {
			t.Fatalf("netloc of %q not lower-cased: %q", s, u.Netloc)
		}
	})
}

func FuzzCheckRedirectURI(f *testing.F) {
	for i, s := range seedURLs {
		f.Add(s, seedURLs[(i*7+3)%len(seedURLs)])
		f.Add(s, s+"cb")
	}
	f.Add(android, "homeassistant://auth-callback")
	f.Add(iOS, "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android")
	for _, c := range vectorseeds.MustLoad(f).Clients() {
		if c[1] != "" {
			f.Add(c[0], c[1])
		}
	}
	f.Fuzz(func(t *testing.T, clientID, redirectURI string) {
		d := CheckRedirectURI(clientID, redirectURI)
		c, cerr := ParseClientID(clientID)
		r, rerr := ParseURL(redirectURI)
		switch d {
		case Allowed:
			if cerr != nil || rerr != nil {
				t.Fatalf("Allowed with client %v, redirect %v", cerr, rerr)
			}
			sameOrigin := c.Scheme == r.Scheme && c.Netloc == r.Netloc
			app := clientID == iOS || clientID == android
			if !sameOrigin && !app {
				t.Fatalf("Allowed %q for %q without same origin or app", redirectURI, clientID)
			}
		case Denied:
			if cerr == nil && rerr == nil {
				t.Fatalf("Denied %q for valid %q", redirectURI, clientID)
			}
		case NeedFetch:
			if cerr != nil || rerr != nil || c.Scheme == r.Scheme && c.Netloc == r.Netloc {
				t.Fatalf("NeedFetch for %q, %q", clientID, redirectURI)
			}
		default:
			t.Fatalf("decision %d", d)
		}
	})
}

func FuzzDiscover(f *testing.F) {
	f.Add(localClient, 200, false, []byte(`<link rel="redirect_uri" href="hass://oauth2_redirect"><link rel="redirect_uri" href="/beer">`))
	f.Add(localClient, 200, false, []byte(`<link rel="redirect_uri" href="/wine">`+strings.Repeat("0", 10240)+`<link rel="redirect_uri" href="/beer">`))
	f.Add(cimdClient, 200, false, []byte(cimdBody(cimdClient, `["https://app.example/cb", "app:/callback"]`)))
	f.Add(cimdClient, 200, true, []byte(cimdBody(cimdClient, `["https://app.example/cb"]`)))
	f.Add(cimdClient, 404, false, []byte(`{"client_id": "x", "redirect_uris": [1, "a#", "b:c", "\ud800"]}`))
	f.Add("https://ex.com/", 200, false, []byte(`<script><!--<script></script><link rel=redirect_uri href=x>--></script><noscript><LINK REL=redirect_uri HREF='&amp;&#1;&copy=' href=//[::1></noscript>`))
	f.Add("https://ex.com/", 200, false, []byte("<title><link rel=redirect_uri href=/t></title><plaintext><link rel=redirect_uri href=/p>\xff\xe2\x82"))
	f.Add("", 0, false, []byte(nil))
	// The client pages the conformance vectors fetched.
	for _, b := range vectorseeds.MustLoad(f).Fetched {
		f.Add(localClient, 200, false, b)
		f.Add(cimdClient, 200, false, b)
	}
	f.Fuzz(func(t *testing.T, clientID string, status int, redirected bool, body []byte) {
		uris, err := Discover(clientID, status, redirected, body)
		if err != nil {
			if !errors.Is(err, ErrBadHref) || uris != nil {
				t.Fatalf("Discover: %q, %v", uris, err)
			}
			return
		}
		capped := body
		if len(capped) > MaxFetchBytes {
			capped = capped[:MaxFetchBytes]
		}
		if hrefs := linkRedirectHrefs(capped); len(hrefs) > 0 {
			if len(uris) != len(hrefs) {
				t.Fatalf("%d hrefs gave %d URIs", len(hrefs), len(uris))
			}
			for _, h := range hrefs {
				if h == "" {
					t.Fatal("an empty href was collected")
				}
			}
			return
		}
		if len(uris) == 0 {
			return
		}
		// Every URI from a metadata document must satisfy its rules.
		if status != 200 || redirected || len(body) >= MaxFetchBytes {
			t.Fatalf("metadata URIs %q with status %d, redirected %v, %d bytes", uris, status, redirected, len(body))
		}
		c, err := ParseURL(clientID)
		if err != nil || c.Scheme != "https" || strings.Contains(clientID, "#") {
			t.Fatalf("metadata URIs %q for client_id %q", uris, clientID)
		}
		for _, u := range uris {
			p, err := ParseURL(u)
			if err != nil || p.Scheme == "" || strings.Contains(u, "#") || p.Port != "" && !validPort(p.Port) {
				t.Fatalf("metadata URI %q breaks the rules (%v)", u, err)
			}
		}
	})
}
