package core

import (
	"strings"

	"github.com/hassauth/hassauth/core/form"
	"github.com/hassauth/hassauth/core/orjson"
)

// Log lines name what a client sent wrong, and clients sometimes send a
// secret in the wrong place: a password or token in a URL's query string,
// a token in a malformed auth message. Home Assistant logs those as they
// came; here the values of the fields that carry secrets are replaced, so
// that whoever reads the log (a log collector, a bug report) does not get
// a working credential. What the client itself is told is not changed.

// redacted stands in for a secret in a log line.
const redacted = "**REDACTED**"

// secretParams are the query and message fields that carry a password,
// token, code or signature.
var secretParams = map[string]bool{
	"access_token":  true,
	"api_password":  true,
	"authSig":       true,
	"code":          true,
	"code_verifier": true,
	"password":      true,
	"refresh_token": true,
	"token":         true,
}

// redactQuery returns a raw query string with the value of every secret
// field replaced; the other fields are kept as they were written.
func redactQuery(query string) string {
	if query == "" {
		return ""
	}
	parts := strings.Split(query, "&")
	changed := false
	for i, p := range parts {
		raw, _, _ := strings.Cut(p, "=")
		name := raw
		if f, err := form.ParseURLEncoded([]byte(raw)); err == nil && len(f) == 1 {
			name = f[0].Name
		}
		if secretParams[name] {
			parts[i] = raw + "=" + redacted
			changed = true
		}
	}
	if !changed {
		return query
	}
	return strings.Join(parts, "&")
}

// redactMessage returns a copy of a JSON object with the value of every
// secret member replaced, for the log's account of a malformed message.
func redactMessage(v orjson.Value) orjson.Value {
	if v.Kind != orjson.Object {
		return v
	}
	out := v
	out.Obj = nil
	for _, m := range v.Obj {
		if secretParams[m.Key] {
			m.Value = orjson.StringValue(redacted)
		}
		out.Obj = append(out.Obj, m)
	}
	return out
}
