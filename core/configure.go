package core

import (
	"errors"
	"strconv"

	"github.com/hassauth/hassauth/core/network"
)

// ConfigError is a configuration value the core cannot use; Key names it
// the way configuration.yaml does (homeassistant.auth_providers[0].id).
type ConfigError struct {
	Key     string
	Message string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Message }

// DefaultHAVersion is the Home Assistant release whose behaviour hassauth
// follows, reported to clients as ha_version.
const DefaultHAVersion = "2026.9.1"

func (c *Core) configure(cfg Config) error {
	if cfg.HAVersion == "" {
		cfg.HAVersion = DefaultHAVersion
	}
	if len(cfg.Providers) == 0 {
		cfg.Providers = []ProviderConfig{{Type: "homeassistant"}}
	}
	if cfg.MFAModules == nil {
		name := "Authenticator app"
		cfg.MFAModules = []MFAModuleConfig{{Type: "totp", ID: "totp", Name: &name}}
	}
	c.cfg = cfg

	proxies, err := network.ParseNetworks(cfg.HTTP.TrustedProxies)
	if err != nil {
		var ne *network.NetworkError
		if errors.As(err, &ne) {
			return networkConfigError("http.trusted_proxies["+strconv.Itoa(ne.Index)+"]", err)
		}
		return &ConfigError{Key: "http.trusted_proxies", Message: err.Error()}
	}
	c.forwarded = network.Forwarded{UseXForwardedFor: cfg.HTTP.UseXForwardedFor, TrustedProxies: proxies}

	seen := map[providerKey]bool{}
	for i, pc := range cfg.Providers {
		key := "homeassistant.auth_providers[" + strconv.Itoa(i) + "]"
		p, err := c.newProvider(pc, key)
		if err != nil {
			return err
		}
		if seen[p.key()] {
			return &ConfigError{Key: key, Message: "duplicate auth provider " + pc.Type + " with the same id"}
		}
		seen[p.key()] = true
		c.providers = append(c.providers, p)
	}
	ids := map[string]bool{}
	for i, mc := range cfg.MFAModules {
		key := "homeassistant.auth_mfa_modules[" + strconv.Itoa(i) + "]"
		m, err := c.newMFAModule(mc, key)
		if err != nil {
			return err
		}
		if ids[m.id()] {
			return &ConfigError{Key: key, Message: "duplicate multi-factor auth module id " + m.id()}
		}
		ids[m.id()] = true
		c.mfa = append(c.mfa, m)
	}
	return nil
}

func (c *Core) newProvider(pc ProviderConfig, key string) (provider, error) {
	switch pc.Type {
	case "homeassistant":
		if pc.ID != nil {
			return nil, &ConfigError{Key: key + ".id", Message: "ID is not allowed for the homeassistant auth provider."}
		}
		return newHomeAssistantProvider(pc.Name), nil
	case "trusted_networks":
		return newTrustedNetworksProvider(pc, key)
	case "command_line":
		return newCommandLineProvider(pc, key)
	case "insecure_example":
		if pc.Users == nil {
			return nil, &ConfigError{Key: key + ".users", Message: "required key not provided @ data['users']"}
		}
		title := titleDefaultProvider
		if pc.Name != nil {
			title = *pc.Name
		}
		return &exampleProvider{providerBase: providerBase{k: keyOf(pc.Type, pc.ID), title: title, mfa: true}, users: pc.Users}, nil
	}
	return nil, &ConfigError{Key: key + ".type", Message: "unknown auth provider type " + strconv.Quote(pc.Type)}
}

func (c *Core) newMFAModule(mc MFAModuleConfig, key string) (mfaModule, error) {
	id := mc.ID
	if id == "" {
		id = mc.Type
	}
	switch mc.Type {
	case "totp":
		return newTOTPModule(id, mc.Name), nil
	case "insecure_example":
		if mc.Data == nil {
			return nil, &ConfigError{Key: key + ".data", Message: "required key not provided @ data['data']"}
		}
		return newExampleModule(id, mc.Name, mc.Data), nil
	case "notify":
		return newNotifyModule(id, mc, key)
	}
	return nil, &ConfigError{Key: key + ".type", Message: "unknown multi-factor auth module type " + strconv.Quote(mc.Type)}
}
