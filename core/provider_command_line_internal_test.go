package core

import (
	"testing"
)

func TestPyNormPath(t *testing.T) {
	cases := map[string]string{
		"":                  ".",
		"/":                 "/",
		"//":                "//",
		"///":               "/",
		"//usr/bin":         "//usr/bin",
		"///usr/bin":        "/usr/bin",
		"/usr//local/./bin": "/usr/local/bin",
		"/usr/bin/../lib/":  "/usr/lib",
		"/..":               "/",
		"/../../a":          "/a",
		"a/../..":           "..",
		"../a/../b":         "../b",
		"./script.sh":       "script.sh",
		"a/./b/.":           "a/b",
		"..":                "..",
		"../..":             "../..",
	}
	for in, want := range cases {
		if got := pyNormPath(in); got != want {
			t.Errorf("pyNormPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCommandMeta(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		name string
		out  string
		want commandMeta
	}{
		{"empty", "", commandMeta{}},
		{"all keys", "name=Ann\ngroup=system-users\nlocal_only=true\n", commandMeta{str("Ann"), str("system-users"), str("true")}},
		{"spaces stripped", " \t name =  Ann Lee \t\n", commandMeta{name: str("Ann Lee")}},
		{"comment after spaces", "   # name=Hidden\nname=Shown", commandMeta{name: str("Shown")}},
		{"value keeps later =", "name=a=b", commandMeta{name: str("a=b")}},
		{"empty value", "group=", commandMeta{group: str("")}},
		{"last wins", "name=A\nname=B\n", commandMeta{name: str("B")}},
		{"unknown keys and lines", "user=x\nhello\n=orphan\n", commandMeta{}},
		{"CR and CRLF", "name=A\rgroup=g\r\nlocal_only=false", commandMeta{str("A"), str("g"), str("false")}},
		{"invalid UTF-8 line skipped", "name=\xff\nname=\xc3\xa9", commandMeta{name: str("é")}},
		{"Python white space", "\x1cname=\u00a0Zoë\u2003", commandMeta{name: str("Zoë")}},
		{"vertical tab is not a line break", "name=a\vb", commandMeta{name: str("a\vb")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := parseCommandMeta([]byte(c.out))
			check := func(field string, g, w *string) {
				switch {
				case (g == nil) != (w == nil):
					t.Errorf("%s = %v, want %v", field, g, w)
				case g != nil && *g != *w:
					t.Errorf("%s = %q, want %q", field, *g, *w)
				}
			}
			check("name", got.name, c.want.name)
			check("group", got.group, c.want.group)
			check("local_only", got.localOnly, c.want.localOnly)
		})
	}
}

// FuzzParseCommandMeta feeds arbitrary command output: the parser must
// not fail and keeps only valid UTF-8 values without surrounding space.
func FuzzParseCommandMeta(f *testing.F) {
	for _, s := range []string{"", "name=a\ngroup=b\nlocal_only=true", "#x\n=\n", "name=\xff", "\r\n\r", "name = é \u2028"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		m := parseCommandMeta(out)
		for _, v := range []*string{m.name, m.group, m.localOnly} {
			if v != nil && pyStrip(*v) != *v {
				t.Fatalf("value %q is not stripped", *v)
			}
		}
	})
}
