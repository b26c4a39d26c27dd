package indieauth

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"
)

// pyGolden is testdata/pygolden.json, written by testdata/pygolden.py from
// CPython's standard library. Byte strings and JSON documents are hex.
type pyGolden struct {
	Python string `json:"python"`
	URLs   []struct {
		In       string `json:"in"`
		Err      bool   `json:"err"`
		Scheme   string `json:"scheme"`
		Netloc   string `json:"netloc"`
		Path     string `json:"path"`
		Params   string `json:"params"`
		Query    string `json:"query"`
		Fragment string `json:"fragment"`
		Port     string `json:"port"`
		PortOK   bool   `json:"port_ok"`
		User     bool   `json:"user"`
		Hostname string `json:"hostname"`
		Lower    string `json:"lower"`
		ClientID string `json:"client_id"`
	} `json:"urls"`
	Joins []struct {
		Base string `json:"base"`
		Href string `json:"href"`
		Out  string `json:"out"`
		Err  bool   `json:"err"`
	} `json:"joins"`
	IPs []struct {
		In     string `json:"in"`
		OK     bool   `json:"ok"`
		V4     bool   `json:"v4"`
		Packed string `json:"packed"`
		Local  bool   `json:"local"`
	} `json:"ips"`
	Lowers []struct {
		In  string `json:"in"`
		Out string `json:"out"`
	} `json:"lowers"`
	Decodes []struct {
		In  string `json:"in"`
		Out string `json:"out"`
	} `json:"decodes"`
	JSONs []struct {
		In       string  `json:"in"`
		OK       bool    `json:"ok"`
		Object   bool    `json:"object"`
		ClientID *string `json:"client_id"`
	} `json:"jsons"`
}

func loadGolden(t *testing.T) *pyGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/pygolden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g pyGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

func unhex(t *testing.T, s string) string {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPythonGolden checks the Python-semantics layer against CPython's own
// answers: urlparse and its netloc properties, str.lower, the client_id
// verdict, urljoin, ipaddress with Home Assistant's is_local, UTF-8 decoding
// with replacement and json.loads acceptance.
func TestPythonGolden(t *testing.T) {
	g := loadGolden(t)
	t.Logf("golden from CPython %s", g.Python)

	t.Run("urlparse", func(t *testing.T) {
		for _, c := range g.URLs {
			in := c.In
			p, err := urlparse(in, "")
			if c.Err {
				if err == nil {
					t.Errorf("urlparse(%q) = %+v, Python raises", in, p)
				}
				continue
			}
			if err != nil {
				t.Errorf("urlparse(%q): %v, Python parses", in, err)
				continue
			}
			want := parts{c.Scheme, c.Netloc, c.Path, c.Params, c.Query, c.Fragment}
			if p != want {
				t.Errorf("urlparse(%q) = %+v, Python %+v", in, p, want)
			}
			_, port, _ := hostinfo(p.netloc)
			if port != c.Port || validPort(port) != (c.PortOK && port != "") {
				t.Errorf("port of %q = %q valid %v, Python %q valid %v", in, port, validPort(port), c.Port, c.PortOK)
			}
			if got := hostname(p.netloc); got != c.Hostname {
				t.Errorf("hostname of %q = %q, Python %q", in, got, c.Hostname)
			}
			if got := pyLower(p.netloc); got != c.Lower {
				t.Errorf("lower(%q) = %q, Python %q", p.netloc, got, c.Lower)
			}
		}
	})

	t.Run("client_id", func(t *testing.T) {
		for _, c := range g.URLs {
			in := c.In
			_, err := ParseClientID(in)
			got := "ok"
			switch {
			case errors.Is(err, ErrUnhandled):
				got = "crash"
			case err != nil:
				got = "invalid"
			}
			if got != c.ClientID {
				t.Errorf("ParseClientID(%q): %s (%v), spec rules on CPython give %s", in, got, err, c.ClientID)
			}
		}
	})

	t.Run("urljoin", func(t *testing.T) {
		for _, c := range g.Joins {
			base, href := c.Base, c.Href
			got, err := urljoin(base, href)
			switch {
			case c.Err && err == nil:
				t.Errorf("urljoin(%q, %q) = %q, Python raises", base, href, got)
			case !c.Err && err != nil:
				t.Errorf("urljoin(%q, %q): %v, Python %q", base, href, err, c.Out)
			case !c.Err && got != c.Out:
				t.Errorf("urljoin(%q, %q) = %q, Python %q", base, href, got, c.Out)
			}
		}
	})

	t.Run("ip_address", func(t *testing.T) {
		for _, c := range g.IPs {
			a, ok := parseIPAddress(c.In)
			if ok != c.OK {
				t.Errorf("ip_address(%q) ok=%v, Python %v", c.In, ok, c.OK)
				continue
			}
			if !ok {
				continue
			}
			packed := hex.EncodeToString(a.b[:])
			if a.v4 {
				packed = hex.EncodeToString(a.b[12:])
			}
			if a.v4 != c.V4 || packed != c.Packed || a.isLocal() != c.Local {
				t.Errorf("ip_address(%q) = v4 %v %s local %v, Python v4 %v %s local %v",
					c.In, a.v4, packed, a.isLocal(), c.V4, c.Packed, c.Local)
			}
		}
	})

	t.Run("lower", func(t *testing.T) {
		for _, c := range g.Lowers {
			if got := pyLower(c.In); got != c.Out {
				t.Errorf("lower(%q) = %q, Python %q", c.In, got, c.Out)
			}
		}
	})

	t.Run("decode", func(t *testing.T) {
		for _, c := range g.Decodes {
			in := []byte(unhex(t, c.In))
			if got := pyDecodeReplace(in); got != unhex(t, c.Out) {
				t.Errorf("decode(%x) = %x, Python %s", in, got, c.Out)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		for _, c := range g.JSONs {
			in := unhex(t, c.In)
			doc, ok := parseMetadata([]byte(in))
			if want := c.OK && c.Object; ok != want {
				t.Errorf("json %q: object=%v, Python ok=%v object=%v", in, ok, c.OK, c.Object)
				continue
			}
			if !ok {
				continue
			}
			if c.ClientID == nil {
				if doc.clientID.isString {
					t.Errorf("json %q: client_id %q, Python has no string", in, doc.clientID.s)
				}
			} else if !doc.clientID.isString || doc.clientID.s != unhex(t, *c.ClientID) {
				t.Errorf("json %q: client_id %+v, Python %q", in, doc.clientID, unhex(t, *c.ClientID))
			}
		}
	})
}

// TestLinkTagsGolden replays testdata/linkgolden.json: the hrefs that the
// newest CPython HTMLParser, with Home Assistant's link rule, finds in
// generated pages that mix link tags with raw-text elements, comments,
// character references and broken markup.
func TestLinkTagsGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/linkgolden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Body    *string  `json:"body"`
			BodyHex string   `json:"body_hex"`
			Hrefs   []string `json:"hrefs"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		body := []byte(unhex(t, c.BodyHex))
		if c.Body != nil {
			body = []byte(*c.Body)
		}
		got := linkRedirectHrefs(body)
		if len(got) != len(c.Hrefs) {
			t.Errorf("page %q: %q, CPython %q", body, got, c.Hrefs)
			continue
		}
		for i := range got {
			if got[i] != c.Hrefs[i] {
				t.Errorf("page %q: %q, CPython %q", body, got, c.Hrefs)
				break
			}
		}
	}
}
