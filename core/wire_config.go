package core

import (
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// The wire form of a Config: what a WebAssembly host or a conformance
// vector hands the core instead of configuration.yaml. Keys follow Home
// Assistant's configuration keys where one exists. A slice is written when
// it is non-nil, even empty, and a pointer when it is non-nil, so that a
// Config survives the trip exactly: an empty auth_mfa_modules list means
// "no modules" while a missing one means Home Assistant's default.
// trusted_users is a list of {"network", "users": [{"user_id"} or
// {"group"}]}, the form the conformance vectors already used. Unknown
// keys are errors, so that a misspelt key in a vector cannot pass
// unnoticed.

// AppendConfig appends the wire JSON of a configuration.
func AppendConfig(b []byte, cfg Config) []byte {
	e := orjson.NewEncoder(b, false)
	e.BeginObject()
	optStr(e, "ha_version", cfg.HAVersion)
	if cfg.Providers != nil {
		e.Key("auth_providers")
		e.BeginArray()
		for i := range cfg.Providers {
			encProviderConfig(e, &cfg.Providers[i])
		}
		e.EndArray()
	}
	if cfg.MFAModules != nil {
		e.Key("auth_mfa_modules")
		e.BeginArray()
		for i := range cfg.MFAModules {
			encMFAModuleConfig(e, &cfg.MFAModules[i])
		}
		e.EndArray()
	}
	h := &cfg.HTTP
	if h.UseXForwardedFor || h.TrustedProxies != nil || h.IPBanEnabled != nil || h.LoginAttemptsThreshold != nil || h.CORSAllowedOrigins != nil {
		e.Key("http")
		e.BeginObject()
		optBool(e, "use_x_forwarded_for", h.UseXForwardedFor)
		optStrings(e, "trusted_proxies", h.TrustedProxies)
		if h.IPBanEnabled != nil {
			e.Key("ip_ban_enabled")
			e.Bool(*h.IPBanEnabled)
		}
		if h.LoginAttemptsThreshold != nil {
			e.Key("login_attempts_threshold")
			e.Int(int64(*h.LoginAttemptsThreshold))
		}
		optStrings(e, "cors_allowed_origins", h.CORSAllowedOrigins)
		e.EndObject()
	}
	optInt(e, "bcrypt_cost", int64(cfg.BcryptCost))
	optStrings(e, "urls", cfg.URLs)
	optStrings(e, "notify_services", cfg.NotifyServices)
	optBool(e, "fault_injection", cfg.FaultInjection)
	e.EndObject()
	return e.Bytes()
}

func optStrings(e *orjson.Encoder, key string, ss []string) {
	if ss == nil {
		return
	}
	e.Key(key)
	e.BeginArray()
	for _, s := range ss {
		e.String(s)
	}
	e.EndArray()
}

func optPtrStr(e *orjson.Encoder, key string, s *string) {
	if s != nil {
		e.Key(key)
		e.String(*s)
	}
}

func encProviderConfig(e *orjson.Encoder, p *ProviderConfig) {
	e.BeginObject()
	e.Key("type")
	e.String(p.Type)
	optPtrStr(e, "id", p.ID)
	optPtrStr(e, "name", p.Name)
	if p.Users != nil {
		e.Key("users")
		e.BeginArray()
		for _, u := range p.Users {
			e.BeginObject()
			e.Key("username")
			e.String(u.Username)
			e.Key("password")
			e.String(u.Password)
			optPtrStr(e, "name", u.Name)
			e.EndObject()
		}
		e.EndArray()
	}
	optStrings(e, "trusted_networks", p.TrustedNetworks)
	if p.TrustedUsers != nil {
		e.Key("trusted_users")
		e.BeginArray()
		for _, tu := range p.TrustedUsers {
			e.BeginObject()
			e.Key("network")
			e.String(tu.Network)
			if tu.Users != nil {
				e.Key("users")
				e.BeginArray()
				for _, u := range tu.Users {
					e.BeginObject()
					optStr(e, "user_id", u.UserID)
					optStr(e, "group", u.Group)
					e.EndObject()
				}
				e.EndArray()
			}
			e.EndObject()
		}
		e.EndArray()
	}
	optBool(e, "allow_bypass_login", p.AllowBypassLogin)
	optStr(e, "command", p.Command)
	optStrings(e, "args", p.Args)
	optBool(e, "meta", p.Meta)
	e.EndObject()
}

func encMFAModuleConfig(e *orjson.Encoder, m *MFAModuleConfig) {
	e.BeginObject()
	e.Key("type")
	e.String(m.Type)
	optStr(e, "id", m.ID)
	optPtrStr(e, "name", m.Name)
	if m.Data != nil {
		e.Key("data")
		e.BeginArray()
		for _, d := range m.Data {
			e.BeginObject()
			e.Key("user_id")
			e.String(d.UserID)
			e.Key("pin")
			e.String(d.PIN)
			e.EndObject()
		}
		e.EndArray()
	}
	optStrings(e, "include", m.Include)
	optStrings(e, "exclude", m.Exclude)
	optPtrStr(e, "message", m.Message)
	e.EndObject()
}

// ParseConfig reads a configuration's wire JSON.
func ParseConfig(b []byte) (Config, error) {
	v, err := orjson.Parse(b)
	if err != nil {
		return Config{}, wireErr(err.Error())
	}
	return ConfigFromValue(v)
}

// ConfigFromValue reads a configuration from parsed wire JSON (a vector's
// or an init message's "config" member).
func ConfigFromValue(v orjson.Value) (Config, error) {
	f := obj(v)
	f.only("config", "ha_version", "auth_providers", "auth_mfa_modules", "http", "bcrypt_cost", "urls", "notify_services", "fault_injection")
	cfg := Config{
		HAVersion:      f.str("ha_version"),
		BcryptCost:     int(f.int("bcrypt_cost")),
		URLs:           f.strings("urls"),
		NotifyServices: f.strings("notify_services"),
		FaultInjection: f.bool("fault_injection"),
	}
	f.list("auth_providers", func(it orjson.Value) {
		g := obj(it)
		cfg.Providers = append(cfg.Providers, providerConfigFrom(g))
		f.take(g)
	})
	if cfg.Providers == nil && f.has("auth_providers") {
		cfg.Providers = []ProviderConfig{}
	}
	f.list("auth_mfa_modules", func(it orjson.Value) {
		g := obj(it)
		cfg.MFAModules = append(cfg.MFAModules, mfaModuleConfigFrom(g))
		f.take(g)
	})
	if cfg.MFAModules == nil && f.has("auth_mfa_modules") {
		cfg.MFAModules = []MFAModuleConfig{}
	}
	if m, ok := f.get("http"); ok {
		g := obj(m)
		g.only("http", "use_x_forwarded_for", "trusted_proxies", "ip_ban_enabled", "login_attempts_threshold", "cors_allowed_origins")
		cfg.HTTP = HTTPConfig{
			UseXForwardedFor:   g.bool("use_x_forwarded_for"),
			TrustedProxies:     g.strings("trusted_proxies"),
			CORSAllowedOrigins: g.strings("cors_allowed_origins"),
		}
		if g.has("ip_ban_enabled") {
			b := g.bool("ip_ban_enabled")
			cfg.HTTP.IPBanEnabled = &b
		}
		if g.has("login_attempts_threshold") {
			n := int(g.int("login_attempts_threshold"))
			cfg.HTTP.LoginAttemptsThreshold = &n
		}
		f.take(g)
	}
	if f.err != nil {
		return Config{}, f.err
	}
	return cfg, nil
}

func providerConfigFrom(g *fields) ProviderConfig {
	g.only("auth_providers[]", "type", "id", "name", "users", "trusted_networks", "trusted_users", "allow_bypass_login", "command", "args", "meta")
	p := ProviderConfig{
		Type:             g.str("type"),
		ID:               g.ptrStr("id"),
		Name:             g.ptrStr("name"),
		TrustedNetworks:  g.strings("trusted_networks"),
		AllowBypassLogin: g.bool("allow_bypass_login"),
		Command:          g.str("command"),
		Args:             g.strings("args"),
		Meta:             g.bool("meta"),
	}
	if g.has("users") {
		p.Users = []ExampleUser{}
	}
	g.list("users", func(it orjson.Value) {
		h := obj(it)
		h.only("users[]", "username", "password", "name")
		p.Users = append(p.Users, ExampleUser{Username: h.str("username"), Password: h.str("password"), Name: h.ptrStr("name")})
		g.take(h)
	})
	if g.has("trusted_users") {
		p.TrustedUsers = []TrustedUsers{}
	}
	g.list("trusted_users", func(it orjson.Value) {
		h := obj(it)
		h.only("trusted_users[]", "network", "users")
		tu := TrustedUsers{Network: h.str("network")}
		if h.has("users") {
			tu.Users = []TrustedUser{}
		}
		h.list("users", func(u orjson.Value) {
			k := obj(u)
			k.only("trusted_users[].users[]", "user_id", "group")
			tu.Users = append(tu.Users, TrustedUser{UserID: k.str("user_id"), Group: k.str("group")})
			h.take(k)
		})
		p.TrustedUsers = append(p.TrustedUsers, tu)
		g.take(h)
	})
	return p
}

func mfaModuleConfigFrom(g *fields) MFAModuleConfig {
	g.only("auth_mfa_modules[]", "type", "id", "name", "data", "include", "exclude", "message")
	m := MFAModuleConfig{
		Type:    g.str("type"),
		ID:      g.str("id"),
		Name:    g.ptrStr("name"),
		Include: g.strings("include"),
		Exclude: g.strings("exclude"),
		Message: g.ptrStr("message"),
	}
	if g.has("data") {
		m.Data = []ExamplePIN{}
	}
	g.list("data", func(it orjson.Value) {
		h := obj(it)
		h.only("data[]", "user_id", "pin")
		m.Data = append(m.Data, ExamplePIN{UserID: h.str("user_id"), PIN: h.str("pin")})
		g.take(h)
	})
	return m
}

// has reports whether key is present and not null.
func (f *fields) has(key string) bool {
	m, ok := f.v.Get(key)
	return ok && m.Kind != orjson.Null
}

func (f *fields) ptrStr(key string) *string {
	if !f.has(key) {
		return nil
	}
	s := f.str(key)
	return &s
}

// list calls fn for each element of the list at key.
func (f *fields) list(key string, fn func(orjson.Value)) {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return
	}
	if m.Kind != orjson.Array {
		f.fail(key + " must be a list")
		return
	}
	for _, it := range m.Arr {
		fn(it)
	}
}

// only fails on a key outside keys; where names the object in the message.
func (f *fields) only(where string, keys ...string) {
	for _, m := range f.v.Obj {
		known := false
		for _, k := range keys {
			if m.Key == k {
				known = true
				break
			}
		}
		if !known {
			f.fail(where + ": unknown key " + strconv.Quote(m.Key))
			return
		}
	}
}
