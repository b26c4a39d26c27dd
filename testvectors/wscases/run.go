// Package wscases holds the websocket command cases (spec §10.4-§10.6) that
// the core's tests and the native host's tests both run, the first through
// the harness and the second over real sockets, so that one table pins the
// replies byte for byte at both levels.
//
// The cases run in order against one fixture and change it as they go: a
// user created by one case is updated, given a login and deleted by later
// ones. The package is test support, shared by the tests of core/ and of
// the hosts; it is pure like core/.
package wscases

import (
	"strconv"
	"strings"

	"github.com/hassauth/hassauth/core/orjson"
)

// Fixture is a server with one authenticated websocket connection per
// actor: "owner" (the owner, login "owner"), "admin" (an admin who is not
// the owner, login "admin"), "user" (system-users, login "user", with a
// second idle refresh token), "readonly" (system-read-only, login
// "readonly") and "example" (created by a login through the
// insecure_example provider, with no homeassistant login). A system user
// exists too, without a connection.
type Fixture interface {
	// Command sends msg on the actor's connection and returns the reply
	// with the same id, or closed true if the connection closed first.
	Command(actor string, msg []byte) (reply []byte, closed bool)
}

// Vars a fixture must provide: the user ids "owner", "admin", "user",
// "readonly", "example" and "system"; "user.rt", "user.rt2", "owner.rt"
// and "readonly.rt", refresh token ids (the connection's and the idle one);
// "client_id", the client id the logins used.
var Vars = []string{"owner", "admin", "user", "readonly", "example", "system",
	"owner.rt", "user.rt", "user.rt2", "readonly.rt", "client_id"}

// Case is one command and the reply it must get.
type Case struct {
	Name string
	// As is the actor whose connection sends the command.
	As string
	// Send is the command without its id; {{name}} is a variable.
	Send string
	// Expect is the reply without id and type, compared member by member
	// in order; the string "{{any}}" matches any value.
	Expect string
	// Closed means the connection must close without a reply.
	Closed bool
	// CaptureVar, when set, becomes the string at CapturePath in the
	// reply's result.
	CaptureVar  string
	CapturePath []string
}

// Run runs the cases in order, reporting each failure by the case's name.
func Run(f Fixture, vars map[string]string, report func(name, problem string)) {
	vars = clone(vars)
	ids := map[string]int{}
	for _, c := range Cases {
		ids[c.As]++
		id := strconv.Itoa(ids[c.As])
		vars["id"] = id
		send := "{\"id\":" + id + "," + expand(c.Send, vars)[1:]
		reply, closed := f.Command(c.As, []byte(send))
		if c.Closed {
			if !closed || reply != nil {
				report(c.Name, "want the connection closed without a reply, got "+string(reply))
			}
			continue
		}
		if closed {
			report(c.Name, "connection closed, want a reply")
			continue
		}
		want := "{\"id\":" + id + ",\"type\":\"result\"," + expand(c.Expect, vars)[1:]
		if problem := Match(want, reply); problem != "" {
			report(c.Name, problem+"\n got: "+string(reply)+"\nwant: "+want)
			continue
		}
		if c.CaptureVar != "" {
			got, _ := orjson.Parse(reply)
			v, _ := got.Get("result")
			for _, k := range c.CapturePath {
				v, _ = v.Get(k)
			}
			vars[c.CaptureVar] = v.Str
		}
	}
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// expand replaces {{name}} with the variable's value, leaving {{any}}.
func expand(s string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			break
		}
		name := s[i+2 : i+j]
		b.WriteString(s[:i])
		if v, ok := vars[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+j+2])
		}
		s = s[i+j+2:]
	}
	b.WriteString(s)
	return b.String()
}

// Match compares a reply with the expected JSON: the same members in the
// same order, numbers by their literal text, "{{any}}" matching any value.
// It returns "" when they match.
func Match(want string, got []byte) string {
	w, err := orjson.Parse([]byte(want))
	if err != nil {
		return "expectation is not JSON: " + err.Error()
	}
	g, err := orjson.Parse(got)
	if err != nil {
		return "reply is not JSON: " + err.Error()
	}
	return match("$", w, g)
}

func match(path string, w, g orjson.Value) string {
	if w.Kind == orjson.String && w.Str == "{{any}}" {
		return ""
	}
	if w.Kind != g.Kind {
		return path + ": want a " + w.Kind.String() + ", got a " + g.Kind.String()
	}
	switch w.Kind {
	case orjson.String, orjson.Number:
		if w.Str != g.Str {
			return path + ": want " + strconv.Quote(w.Str) + ", got " + strconv.Quote(g.Str)
		}
	case orjson.Bool:
		if w.Bool != g.Bool {
			return path + ": want " + strconv.FormatBool(w.Bool)
		}
	case orjson.Array:
		if len(w.Arr) != len(g.Arr) {
			return path + ": want " + strconv.Itoa(len(w.Arr)) + " items, got " + strconv.Itoa(len(g.Arr))
		}
		for i := range w.Arr {
			if p := match(path+"["+strconv.Itoa(i)+"]", w.Arr[i], g.Arr[i]); p != "" {
				return p
			}
		}
	case orjson.Object:
		if len(w.Obj) != len(g.Obj) {
			return path + ": want " + strconv.Itoa(len(w.Obj)) + " members, got " + strconv.Itoa(len(g.Obj))
		}
		for i := range w.Obj {
			if w.Obj[i].Key != g.Obj[i].Key {
				return path + ": member " + strconv.Itoa(i) + " is " + strconv.Quote(g.Obj[i].Key) + ", want " + strconv.Quote(w.Obj[i].Key)
			}
			if p := match(path+"."+w.Obj[i].Key, w.Obj[i].Value, g.Obj[i].Value); p != "" {
				return p
			}
		}
	}
	return ""
}
