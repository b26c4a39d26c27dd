package native

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hassauth/hassauth/core"
)

// ConfigFile and SecretsFile are Home Assistant's configuration files.
const (
	ConfigFile  = "configuration.yaml"
	SecretsFile = "secrets.yaml"
)

// ConfigError is a value in configuration.yaml that hassauth cannot use.
type ConfigError struct {
	File string
	Key  string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	return loc + ": " + e.Key + ": " + e.Msg
}

// LoadConfig reads the keys of configuration.yaml that the auth component
// uses: homeassistant.auth_providers and auth_mfa_modules, and the http
// keys use_x_forwarded_for, trusted_proxies, ip_ban_enabled,
// login_attempts_threshold and cors_allowed_origins. !secret values come
// from secrets.yaml. Other keys are ignored. Without the file, Home
// Assistant's defaults apply.
func LoadConfig(dir string) (core.Config, error) {
	var cfg core.Config
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	p := &configParser{file: path, dir: dir}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return cfg, &ConfigError{File: path, Key: "(document)", Msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return cfg, p.errf(root, "(document)", "expected a mapping")
	}
	if ha := mapGet(root, "homeassistant"); ha != nil {
		if ha.Kind != yaml.MappingNode {
			return cfg, p.errf(ha, "homeassistant", "expected a mapping")
		}
		if n := mapGet(ha, "auth_providers"); n != nil {
			if cfg.Providers, err = p.providers(n); err != nil {
				return cfg, err
			}
		}
		if n := mapGet(ha, "auth_mfa_modules"); n != nil {
			mods, err := p.modules(n)
			if err != nil {
				return cfg, err
			}
			if mods == nil {
				mods = []core.MFAModuleConfig{}
			}
			cfg.MFAModules = mods
		}
	}
	if h := mapGet(root, "http"); h != nil {
		if cfg.HTTP, err = p.http(h); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

type configParser struct {
	file    string
	dir     string
	secrets map[string]*yaml.Node
}

func (p *configParser) errf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &ConfigError{File: p.file, Key: key, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func mapGet(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// resolve follows a !secret to its value in secrets.yaml.
func (p *configParser) resolve(n *yaml.Node, key string) (*yaml.Node, error) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Tag {
	case "!secret":
		if p.secrets == nil {
			if err := p.loadSecrets(); err != nil {
				return nil, err
			}
		}
		v, ok := p.secrets[n.Value]
		if !ok {
			return nil, p.errf(n, key, "secret %s is not defined in %s", n.Value, SecretsFile)
		}
		return v, nil
	case "!include", "!include_dir_list", "!include_dir_named", "!include_dir_merge_list", "!include_dir_merge_named", "!env_var", "!input":
		return nil, p.errf(n, key, "%s is not supported here", n.Tag)
	}
	return n, nil
}

func (p *configParser) loadSecrets() error {
	p.secrets = map[string]*yaml.Node{}
	path := filepath.Join(p.dir, SecretsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return &ConfigError{File: path, Key: "(document)", Msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		p.secrets[m.Content[i].Value] = m.Content[i+1]
	}
	return nil
}

func (p *configParser) str(n *yaml.Node, key string) (string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return "", err
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, key, "expected a string")
	}
	return n.Value, nil
}

func (p *configParser) optStr(n *yaml.Node, key string) (*string, error) {
	if n == nil {
		return nil, nil
	}
	s, err := p.str(n, key)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (p *configParser) boolean(n *yaml.Node, key string) (bool, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return false, err
	}
	// Home Assistant's cv.boolean accepts these words in any case.
	switch strings.ToLower(n.Value) {
	case "true", "yes", "on", "enable", "1":
		return true, nil
	case "false", "no", "off", "disable", "0":
		return false, nil
	}
	return false, p.errf(n, key, "invalid boolean value %q", n.Value)
}

func (p *configParser) integer(n *yaml.Node, key string) (int, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return 0, err
	}
	i, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return 0, p.errf(n, key, "expected an integer, got %q", n.Value)
	}
	return i, nil
}

func (p *configParser) strList(n *yaml.Node, key string) ([]string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, key, "expected a list")
	}
	out := []string{}
	for i, it := range n.Content {
		s, err := p.str(it, key+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (p *configParser) list(n *yaml.Node, key string) ([]*yaml.Node, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, key, "expected a list")
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for i, it := range n.Content {
		it, err := p.resolve(it, key+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		if it.Kind != yaml.MappingNode {
			return nil, p.errf(it, key+"["+strconv.Itoa(i)+"]", "expected a mapping")
		}
		out = append(out, it)
	}
	return out, nil
}

// allowedKeys refuses keys a provider or module does not take, as Home
// Assistant's schemas do.
func (p *configParser) allowedKeys(m *yaml.Node, key string, allowed ...string) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i].Value
		ok := false
		for _, a := range allowed {
			if a == k {
				ok = true
			}
		}
		if !ok {
			return p.errf(m.Content[i], key+"."+k, "extra keys not allowed")
		}
	}
	return nil
}

func (p *configParser) providers(n *yaml.Node) ([]core.ProviderConfig, error) {
	items, err := p.list(n, "homeassistant.auth_providers")
	if err != nil {
		return nil, err
	}
	var out []core.ProviderConfig
	for i, m := range items {
		key := "homeassistant.auth_providers[" + strconv.Itoa(i) + "]"
		var pc core.ProviderConfig
		t := mapGet(m, "type")
		if t == nil {
			return nil, p.errf(m, key+".type", "required key not provided")
		}
		if pc.Type, err = p.str(t, key+".type"); err != nil {
			return nil, err
		}
		if pc.ID, err = p.optStr(mapGet(m, "id"), key+".id"); err != nil {
			return nil, err
		}
		if pc.Name, err = p.optStr(mapGet(m, "name"), key+".name"); err != nil {
			return nil, err
		}
		common := []string{"type", "id", "name"}
		switch pc.Type {
		case "homeassistant":
			if err := p.allowedKeys(m, key, common...); err != nil {
				return nil, err
			}
		case "insecure_example":
			if err := p.allowedKeys(m, key, append(common, "users")...); err != nil {
				return nil, err
			}
			if u := mapGet(m, "users"); u != nil {
				users, err := p.list(u, key+".users")
				if err != nil {
					return nil, err
				}
				pc.Users = []core.ExampleUser{}
				for j, um := range users {
					uk := key + ".users[" + strconv.Itoa(j) + "]"
					var eu core.ExampleUser
					if eu.Username, err = p.str(orNull(mapGet(um, "username")), uk+".username"); err != nil {
						return nil, err
					}
					if eu.Password, err = p.str(orNull(mapGet(um, "password")), uk+".password"); err != nil {
						return nil, err
					}
					if eu.Name, err = p.optStr(mapGet(um, "name"), uk+".name"); err != nil {
						return nil, err
					}
					pc.Users = append(pc.Users, eu)
				}
			}
		case "trusted_networks":
			if err := p.allowedKeys(m, key, append(common, "trusted_networks", "trusted_users", "allow_bypass_login")...); err != nil {
				return nil, err
			}
			tn := mapGet(m, "trusted_networks")
			if tn == nil {
				return nil, p.errf(m, key+".trusted_networks", "required key not provided")
			}
			if pc.TrustedNetworks, err = p.strList(tn, key+".trusted_networks"); err != nil {
				return nil, err
			}
			if b := mapGet(m, "allow_bypass_login"); b != nil {
				if pc.AllowBypassLogin, err = p.boolean(b, key+".allow_bypass_login"); err != nil {
					return nil, err
				}
			}
			if tu := mapGet(m, "trusted_users"); tu != nil {
				if pc.TrustedUsers, err = p.trustedUsers(tu, key+".trusted_users"); err != nil {
					return nil, err
				}
			}
		case "command_line":
			if err := p.allowedKeys(m, key, append(common, "command", "args", "meta")...); err != nil {
				return nil, err
			}
			cmd := mapGet(m, "command")
			if cmd == nil {
				return nil, p.errf(m, key+".command", "required key not provided")
			}
			if pc.Command, err = p.str(cmd, key+".command"); err != nil {
				return nil, err
			}
			if a := mapGet(m, "args"); a != nil {
				if pc.Args, err = p.strList(a, key+".args"); err != nil {
					return nil, err
				}
			}
			if mm := mapGet(m, "meta"); mm != nil {
				if pc.Meta, err = p.boolean(mm, key+".meta"); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, pc)
	}
	return out, nil
}

func orNull(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	}
	return n
}

func (p *configParser) trustedUsers(n *yaml.Node, key string) ([]core.TrustedUsers, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, key, "expected a mapping of networks to users")
	}
	var out []core.TrustedUsers
	for i := 0; i+1 < len(n.Content); i += 2 {
		network := n.Content[i].Value
		nk := key + "." + network
		tu := core.TrustedUsers{Network: network}
		v, err := p.resolve(n.Content[i+1], nk)
		if err != nil {
			return nil, err
		}
		items := v.Content
		if v.Kind == yaml.ScalarNode || v.Kind == yaml.MappingNode {
			items = []*yaml.Node{v}
		}
		for j, it := range items {
			ik := nk + "[" + strconv.Itoa(j) + "]"
			if it.Kind == yaml.MappingNode {
				g := mapGet(it, "group")
				if g == nil {
					return nil, p.errf(it, ik, "expected a user id or {group: ...}")
				}
				s, err := p.str(g, ik+".group")
				if err != nil {
					return nil, err
				}
				tu.Users = append(tu.Users, core.TrustedUser{Group: s})
				continue
			}
			s, err := p.str(it, ik)
			if err != nil {
				return nil, err
			}
			tu.Users = append(tu.Users, core.TrustedUser{UserID: s})
		}
		out = append(out, tu)
	}
	return out, nil
}

func (p *configParser) modules(n *yaml.Node) ([]core.MFAModuleConfig, error) {
	items, err := p.list(n, "homeassistant.auth_mfa_modules")
	if err != nil {
		return nil, err
	}
	var out []core.MFAModuleConfig
	for i, m := range items {
		key := "homeassistant.auth_mfa_modules[" + strconv.Itoa(i) + "]"
		var mc core.MFAModuleConfig
		t := mapGet(m, "type")
		if t == nil {
			return nil, p.errf(m, key+".type", "required key not provided")
		}
		if mc.Type, err = p.str(t, key+".type"); err != nil {
			return nil, err
		}
		if id := mapGet(m, "id"); id != nil {
			if mc.ID, err = p.str(id, key+".id"); err != nil {
				return nil, err
			}
		}
		if mc.Name, err = p.optStr(mapGet(m, "name"), key+".name"); err != nil {
			return nil, err
		}
		common := []string{"type", "id", "name"}
		switch mc.Type {
		case "totp":
			if err := p.allowedKeys(m, key, common...); err != nil {
				return nil, err
			}
		case "notify":
			if err := p.allowedKeys(m, key, append(common, "include", "exclude", "message")...); err != nil {
				return nil, err
			}
			if v := mapGet(m, "include"); v != nil {
				if mc.Include, err = p.strList(v, key+".include"); err != nil {
					return nil, err
				}
			}
			if v := mapGet(m, "exclude"); v != nil {
				if mc.Exclude, err = p.strList(v, key+".exclude"); err != nil {
					return nil, err
				}
			}
			if mc.Message, err = p.optStr(mapGet(m, "message"), key+".message"); err != nil {
				return nil, err
			}
		case "insecure_example":
			if err := p.allowedKeys(m, key, append(common, "data")...); err != nil {
				return nil, err
			}
			if d := mapGet(m, "data"); d != nil {
				entries, err := p.list(d, key+".data")
				if err != nil {
					return nil, err
				}
				mc.Data = []core.ExamplePIN{}
				for j, em := range entries {
					ek := key + ".data[" + strconv.Itoa(j) + "]"
					var pin core.ExamplePIN
					if pin.UserID, err = p.str(orNull(mapGet(em, "user_id")), ek+".user_id"); err != nil {
						return nil, err
					}
					if pin.PIN, err = p.str(orNull(mapGet(em, "pin")), ek+".pin"); err != nil {
						return nil, err
					}
					mc.Data = append(mc.Data, pin)
				}
			}
		}
		out = append(out, mc)
	}
	return out, nil
}

func (p *configParser) http(n *yaml.Node) (core.HTTPConfig, error) {
	var hc core.HTTPConfig
	n, err := p.resolve(n, "http")
	if err != nil {
		return hc, err
	}
	if n.Kind != yaml.MappingNode {
		return hc, p.errf(n, "http", "expected a mapping")
	}
	if v := mapGet(n, "use_x_forwarded_for"); v != nil {
		if hc.UseXForwardedFor, err = p.boolean(v, "http.use_x_forwarded_for"); err != nil {
			return hc, err
		}
	}
	if v := mapGet(n, "trusted_proxies"); v != nil {
		if hc.TrustedProxies, err = p.strList(v, "http.trusted_proxies"); err != nil {
			return hc, err
		}
	}
	if hc.UseXForwardedFor && len(hc.TrustedProxies) == 0 {
		return hc, p.errf(n, "http.trusted_proxies", "required when use_x_forwarded_for is set")
	}
	if v := mapGet(n, "ip_ban_enabled"); v != nil {
		b, err := p.boolean(v, "http.ip_ban_enabled")
		if err != nil {
			return hc, err
		}
		hc.IPBanEnabled = &b
	}
	if v := mapGet(n, "login_attempts_threshold"); v != nil {
		i, err := p.integer(v, "http.login_attempts_threshold")
		if err != nil {
			return hc, err
		}
		if i < 1 && i != -1 {
			return hc, p.errf(v, "http.login_attempts_threshold", "must be -1 or at least 1")
		}
		hc.LoginAttemptsThreshold = &i
	}
	if v := mapGet(n, "cors_allowed_origins"); v != nil {
		if hc.CORSAllowedOrigins, err = p.strList(v, "http.cors_allowed_origins"); err != nil {
			return hc, err
		}
	}
	return hc, nil
}
