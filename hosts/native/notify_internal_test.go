package native

import (
	"errors"
	"net/url"
	"path/filepath"
	"testing"
)

// FuzzParseNotifyServices feeds arbitrary hassauth.yaml and secrets.yaml
// text: the loader never panics, fails only with a ConfigError, and every
// service it gives has a valid name and exactly one of an absolute command
// or an http(s) webhook.
func FuzzParseNotifyServices(f *testing.F) {
	for _, seed := range [][2]string{
		{"notify:\n  - name: phone\n    command: /usr/local/bin/send-sms\n    args: [\"--quiet\", \"-t\"]\n  - name: ntfy\n    webhook: !secret ntfy\n",
			"ntfy: https://ntfy.example/abc?token=s3cret\n"},
		{"notify:\n  - name: a\n    command: /bin/true\n  - name: a\n    command: /bin/true\n", ""},
		{"notify:\n  - name: a\n    webhook: ftp://user:s3cret@host/\n", ""},
		{"notify: !secret n\n", "n: [{name: x, webhook: 'http://h/'}]\n"},
		{"notify:\n  - &a {name: a, command: /x}\n  - *a\n", ""},
		{"notify: phone\n", ""},
		{"", ""},
		{"a: &a [*a]\n", ""},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	f.Fuzz(func(t *testing.T, text, secrets []byte) {
		services, err := parseNotifyServices("hassauth.yaml", text, "secrets.yaml", func() ([]byte, error) { return secrets, nil })
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, s := range services {
			if !isServiceName(s.Name) || seen[s.Name] {
				t.Fatalf("service name %q", s.Name)
			}
			seen[s.Name] = true
			switch {
			case s.Command != "" && s.Webhook == "":
				if !filepath.IsAbs(s.Command) {
					t.Fatalf("relative command %q", s.Command)
				}
			case s.Command == "" && s.Webhook != "":
				u, err := url.Parse(s.Webhook)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Fatalf("webhook %q", s.Webhook)
				}
			default:
				t.Fatalf("service %+v", s)
			}
		}
	})
}
