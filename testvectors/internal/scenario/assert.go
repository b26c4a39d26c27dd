package scenario

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// The assertions a scenario makes. Each states what Home Assistant's
// behaviour requires; none reads its expectation from the core's output.

// Equal fails unless got and want are deeply equal.
func (s *Session) Equal(got, want any, what string) {
	s.r.Helper()
	if !reflect.DeepEqual(got, want) {
		s.r.Fatalf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

// True fails unless cond holds.
func (s *Session) True(cond bool, what string) {
	s.r.Helper()
	if !cond {
		s.r.Fatalf("expected: %s", what)
	}
}

// Status checks the reply's status.
func (s *Session) Status(r Resp, want int) {
	s.r.Helper()
	if r.Status != want {
		s.r.Fatalf("status %d, want %d; body %s", r.Status, want, r.Body)
	}
}

// Body checks the reply's status and exact body.
func (s *Session) Body(r Resp, status int, want string) {
	s.r.Helper()
	s.Status(r, status)
	if string(r.Body) != want {
		s.r.Fatalf("body:\n got  %s\n want %s", r.Body, want)
	}
}

// JSON checks the reply's status and that its body is JSON equal to want,
// whatever the key order.
func (s *Session) JSON(r Resp, status int, want string) {
	s.r.Helper()
	s.Status(r, status)
	s.JSONEq(r.Body, want)
}

// JSONEq checks that got is JSON equal to want, whatever the key order.
func (s *Session) JSONEq(got []byte, want string) {
	s.r.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		s.r.Fatalf("not JSON: %s", got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		s.r.Fatalf("expectation is not JSON: %s", want)
	}
	if !reflect.DeepEqual(g, w) {
		s.r.Fatalf("JSON:\n got  %s\n want %s", got, want)
	}
}

// Object decodes a JSON object body.
func (s *Session) Object(b []byte) map[string]any {
	s.r.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		s.r.Fatalf("not a JSON object: %s", b)
	}
	return m
}

// Str returns a string member of a JSON object body.
func (s *Session) Str(b []byte, key string) string {
	s.r.Helper()
	v, ok := s.Object(b)[key].(string)
	if !ok {
		s.r.Fatalf("no string %q in %s", key, b)
	}
	return v
}

// Header returns the value of a reply header, matched without case.
func (r Resp) HeaderValue(name string) string {
	for _, h := range r.Header {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// HeaderIs checks a reply header.
func (s *Session) HeaderIs(r Resp, name, want string) {
	s.r.Helper()
	if got := r.HeaderValue(name); got != want {
		s.r.Fatalf("header %s is %q, want %q", name, got, want)
	}
}

// IsHex reports whether v is n lower-case hex digits.
func IsHex(v string, n int) bool {
	if len(v) != n {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Sends returns the frames sent to conn, in order.
func Sends(effects []core.Effect, conn uint64) []string {
	var out []string
	for _, e := range effects {
		if e.Send != nil && e.Send.Conn == conn {
			out = append(out, string(e.Send.Data))
		}
	}
	return out
}

// Closes returns the close effects of conn.
func Closes(effects []core.Effect, conn uint64) []core.WSClose {
	var out []core.WSClose
	for _, e := range effects {
		if e.Close != nil && e.Close.Conn == conn {
			out = append(out, *e.Close)
		}
	}
	return out
}

// Bans returns the Ban effects.
func Bans(effects []core.Effect) []core.Ban {
	var out []core.Ban
	for _, e := range effects {
		if e.Ban != nil {
			out = append(out, *e.Ban)
		}
	}
	return out
}

// Writes returns the Write effects for path.
func Writes(effects []core.Effect, path string) []core.Write {
	var out []core.Write
	for _, e := range effects {
		if e.Write != nil && e.Write.Path == path {
			out = append(out, *e.Write)
		}
	}
	return out
}

// Works returns the Work effects.
func Works(effects []core.Effect) []core.Work {
	var out []core.Work
	for _, e := range effects {
		if e.Work != nil {
			out = append(out, *e.Work)
		}
	}
	return out
}

// FailedLogins counts the warnings Home Assistant logs for a failed login
// (process_wrong_login).
func FailedLogins(effects []core.Effect) int {
	n := 0
	for _, e := range effects {
		if e.Log != nil && strings.HasPrefix(e.Log.Message, "Login attempt or request with invalid authentication from ") {
			n++
		}
	}
	return n
}

// FailedLogin checks how many failed logins the effects record.
func (s *Session) FailedLogin(effects []core.Effect, want int) {
	s.r.Helper()
	if got := FailedLogins(effects); got != want {
		s.r.Fatalf("%d failed logins recorded, want %d", got, want)
	}
}
