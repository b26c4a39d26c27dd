package core

import (
	"slices"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// loginFlowCreateSchema is POST /auth/login_flow's body: Home Assistant's,
// plus the PKCE keys of its development branch.
var loginFlowCreateSchema = &schema.Schema{Fields: append(slices.Clone(schema.LoginFlowCreate.Fields),
	schema.Opt("code_challenge", schema.Str),
	schema.Opt("code_challenge_method", schema.Str),
	// Home Assistant's frontend forwards response_type from the authorize
	// URL; only the code flow exists.
	schema.Opt("response_type", schema.In("code")),
)}

// str returns a string member of a validated object ("" when absent).
func str(v orjson.Value, key string) string {
	m, _ := v.Get(key)
	return m.Str
}
