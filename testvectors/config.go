package testvectors

import (
	"bytes"
	"encoding/json"

	"github.com/hassauth/hassauth/core"
)

// The configuration's JSON form in the vectors. It uses Home Assistant's
// configuration.yaml keys (auth_providers, auth_mfa_modules, http) so that
// it reads like the configuration it stands for. The core has no wire form
// of its Config yet; when it gains one, EncodeConfig and DecodeConfig are
// the only two functions to switch over, and the vectors are regenerated.

type configJSON struct {
	HAVersion     string         `json:"ha_version,omitempty"`
	AuthProviders []providerJSON `json:"auth_providers,omitempty"`
	MFAModules    *[]mfaJSON     `json:"auth_mfa_modules,omitempty"`
	HTTP          *httpJSON      `json:"http,omitempty"`
	BcryptCost    int            `json:"bcrypt_cost,omitempty"`
	URLs          []string       `json:"urls,omitempty"`
	// NotifyServices are the host's notification services (the notify
	// MFA module's choices), a list in the manner of the host's notify
	// configuration.
	NotifyServices []string `json:"notify_services,omitempty"`
}

type providerJSON struct {
	Type             string             `json:"type"`
	ID               *string            `json:"id,omitempty"`
	Name             *string            `json:"name,omitempty"`
	Users            *[]exampleUserJSON `json:"users,omitempty"`
	TrustedNetworks  []string           `json:"trusted_networks,omitempty"`
	TrustedUsers     []trustedUsersJSON `json:"trusted_users,omitempty"`
	AllowBypassLogin bool               `json:"allow_bypass_login,omitempty"`
	Command          string             `json:"command,omitempty"`
	Args             []string           `json:"args,omitempty"`
	Meta             bool               `json:"meta,omitempty"`
}

type exampleUserJSON struct {
	Username string  `json:"username"`
	Password string  `json:"password"`
	Name     *string `json:"name,omitempty"`
}

type trustedUsersJSON struct {
	Network string            `json:"network"`
	Users   []trustedUserJSON `json:"users"`
}

type trustedUserJSON struct {
	UserID string `json:"user_id,omitempty"`
	Group  string `json:"group,omitempty"`
}

type mfaJSON struct {
	Type    string     `json:"type"`
	ID      string     `json:"id,omitempty"`
	Name    *string    `json:"name,omitempty"`
	Data    *[]pinJSON `json:"data,omitempty"`
	Include []string   `json:"include,omitempty"`
	Exclude []string   `json:"exclude,omitempty"`
	Message *string    `json:"message,omitempty"`
}

type pinJSON struct {
	UserID string `json:"user_id"`
	PIN    string `json:"pin"`
}

type httpJSON struct {
	UseXForwardedFor       bool     `json:"use_x_forwarded_for,omitempty"`
	TrustedProxies         []string `json:"trusted_proxies,omitempty"`
	IPBanEnabled           *bool    `json:"ip_ban_enabled,omitempty"`
	LoginAttemptsThreshold *int     `json:"login_attempts_threshold,omitempty"`
	CORSAllowedOrigins     []string `json:"cors_allowed_origins,omitempty"`
}

// EncodeConfig returns the JSON form of a configuration: compact, keys in
// a fixed order, defaults left out.
func EncodeConfig(cfg core.Config) []byte {
	j := configJSON{HAVersion: cfg.HAVersion, BcryptCost: cfg.BcryptCost, URLs: cfg.URLs, NotifyServices: cfg.NotifyServices}
	for _, p := range cfg.Providers {
		pj := providerJSON{
			Type: p.Type, ID: p.ID, Name: p.Name, TrustedNetworks: p.TrustedNetworks,
			AllowBypassLogin: p.AllowBypassLogin, Command: p.Command, Args: p.Args, Meta: p.Meta,
		}
		if p.Users != nil {
			us := []exampleUserJSON{}
			for _, u := range p.Users {
				us = append(us, exampleUserJSON(u))
			}
			pj.Users = &us
		}
		for _, tu := range p.TrustedUsers {
			tj := trustedUsersJSON{Network: tu.Network, Users: []trustedUserJSON{}}
			for _, u := range tu.Users {
				tj.Users = append(tj.Users, trustedUserJSON(u))
			}
			pj.TrustedUsers = append(pj.TrustedUsers, tj)
		}
		j.AuthProviders = append(j.AuthProviders, pj)
	}
	if cfg.MFAModules != nil {
		ms := []mfaJSON{}
		for _, m := range cfg.MFAModules {
			mj := mfaJSON{Type: m.Type, ID: m.ID, Name: m.Name, Include: m.Include, Exclude: m.Exclude, Message: m.Message}
			if m.Data != nil {
				pins := []pinJSON{}
				for _, d := range m.Data {
					pins = append(pins, pinJSON{UserID: d.UserID, PIN: d.PIN})
				}
				mj.Data = &pins
			}
			ms = append(ms, mj)
		}
		j.MFAModules = &ms
	}
	h := cfg.HTTP
	if h.UseXForwardedFor || h.TrustedProxies != nil || h.IPBanEnabled != nil || h.LoginAttemptsThreshold != nil || h.CORSAllowedOrigins != nil {
		j.HTTP = &httpJSON{
			UseXForwardedFor: h.UseXForwardedFor, TrustedProxies: h.TrustedProxies, IPBanEnabled: h.IPBanEnabled,
			LoginAttemptsThreshold: h.LoginAttemptsThreshold, CORSAllowedOrigins: h.CORSAllowedOrigins,
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		// Every field is a string, number, bool or list of them.
		panic("testvectors: encoding a configuration: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// DecodeConfig reads EncodeConfig's JSON. Unknown keys are errors, so that
// a vector cannot silently depend on a setting an engine ignores.
func DecodeConfig(b []byte) (core.Config, error) {
	var j configJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return core.Config{}, err
	}
	cfg := core.Config{HAVersion: j.HAVersion, BcryptCost: j.BcryptCost, URLs: j.URLs, NotifyServices: j.NotifyServices}
	for _, pj := range j.AuthProviders {
		p := core.ProviderConfig{
			Type: pj.Type, ID: pj.ID, Name: pj.Name, TrustedNetworks: pj.TrustedNetworks,
			AllowBypassLogin: pj.AllowBypassLogin, Command: pj.Command, Args: pj.Args, Meta: pj.Meta,
		}
		if pj.Users != nil {
			p.Users = []core.ExampleUser{}
			for _, u := range *pj.Users {
				p.Users = append(p.Users, core.ExampleUser(u))
			}
		}
		for _, tj := range pj.TrustedUsers {
			tu := core.TrustedUsers{Network: tj.Network}
			for _, u := range tj.Users {
				tu.Users = append(tu.Users, core.TrustedUser(u))
			}
			p.TrustedUsers = append(p.TrustedUsers, tu)
		}
		cfg.Providers = append(cfg.Providers, p)
	}
	if j.MFAModules != nil {
		cfg.MFAModules = []core.MFAModuleConfig{}
		for _, mj := range *j.MFAModules {
			m := core.MFAModuleConfig{Type: mj.Type, ID: mj.ID, Name: mj.Name, Include: mj.Include, Exclude: mj.Exclude, Message: mj.Message}
			if mj.Data != nil {
				m.Data = []core.ExamplePIN{}
				for _, d := range *mj.Data {
					m.Data = append(m.Data, core.ExamplePIN{UserID: d.UserID, PIN: d.PIN})
				}
			}
			cfg.MFAModules = append(cfg.MFAModules, m)
		}
	}
	if h := j.HTTP; h != nil {
		cfg.HTTP = core.HTTPConfig{
			UseXForwardedFor: h.UseXForwardedFor, TrustedProxies: h.TrustedProxies, IPBanEnabled: h.IPBanEnabled,
			LoginAttemptsThreshold: h.LoginAttemptsThreshold, CORSAllowedOrigins: h.CORSAllowedOrigins,
		}
	}
	return cfg, nil
}
