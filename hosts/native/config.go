package native

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
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

// ConfigError is a value in configuration.yaml that hassauth cannot use:
// Key names it as configuration.yaml nests it
// (homeassistant.auth_providers[0].trusted_networks[1]), Line is where it
// is written (0 when unknown).
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
// uses, checked as Home Assistant checks them:
//
//   - homeassistant: auth_providers, auth_mfa_modules, internal_url and
//     external_url;
//   - http: use_x_forwarded_for, trusted_proxies, ip_ban_enabled,
//     login_attempts_threshold and cors_allowed_origins.
//
// Values are typed as Home Assistant's YAML 1.1 loader types them (an
// unquoted yes is a boolean, 0x10 an integer), !secret values come from
// secrets.yaml, and every other key is ignored. A value Home Assistant would
// refuse, or that the core cannot use, is a *ConfigError naming its key and
// line. Without the file, Home Assistant's defaults apply.
func LoadConfig(dir string) (core.Config, error) {
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return core.Config{}, nil
	}
	if err != nil {
		return core.Config{}, err
	}
	secretsPath := filepath.Join(dir, SecretsFile)
	return parseConfig(path, b, secretsPath, func() ([]byte, error) {
		s, err := os.ReadFile(secretsPath)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return s, err
	})
}

// parseConfig reads configuration.yaml's text; readSecrets gives
// secrets.yaml's (nil when there is none) the first time a !secret is met.
func parseConfig(path string, data []byte, secretsPath string, readSecrets func() ([]byte, error)) (core.Config, error) {
	p := &configParser{file: path, secretsPath: secretsPath, readSecrets: readSecrets, lines: map[string]int{}, secretLines: map[*yaml.Node]int{}}
	cfg, err := p.parse(data)
	if err != nil {
		return cfg, err
	}
	return cfg, p.validate(cfg)
}

// parse reads the keys hassauth uses, checked as Home Assistant's schemas
// check them.
func (p *configParser) parse(data []byte) (cfg core.Config, err error) {
	path := p.file
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return cfg, &ConfigError{File: path, Key: "(document)", Msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root, err := p.mapping(doc.Content[0], "(document)", true)
	if err != nil {
		return cfg, err
	}
	if ha := root.get("homeassistant"); ha != nil {
		if err := p.homeassistant(ha, &cfg); err != nil {
			return cfg, err
		}
	}
	if h := root.get("http"); h != nil {
		if cfg.HTTP, err = p.http(h); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// validate runs the core's own checks on cfg.
func (p *configParser) validate(cfg core.Config) error {
	// The core checks the rest (networks, user ids, its own rules); its
	// errors name keys in the same form, placed here on their lines.
	if _, err := core.New(cfg, [32]byte{}); err != nil {
		var ce *core.ConfigError
		if errors.As(err, &ce) {
			return &ConfigError{File: p.file, Key: ce.Key, Line: p.lineOf(ce.Key), Msg: ce.Message}
		}
		return &ConfigError{File: p.file, Key: "(configuration)", Msg: err.Error()}
	}
	return nil
}

type configParser struct {
	file        string
	secretsPath string
	readSecrets func() ([]byte, error)
	secrets     *mapNode
	// lines records where each key read was written.
	lines map[string]int
	// secretLines maps the nodes of secrets.yaml that a !secret brought in
	// to the line of that !secret, so that errors point into this file.
	secretLines map[*yaml.Node]int
}

// line is where n is written in this file.
func (p *configParser) line(n *yaml.Node) int {
	if l, ok := p.secretLines[n]; ok {
		return l
	}
	return n.Line
}

func (p *configParser) errf(n *yaml.Node, key, format string, args ...any) error {
	line := 0
	if n != nil {
		line = p.line(n)
	}
	return &ConfigError{File: p.file, Key: key, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// lineOf finds the line of key, or of the closest enclosing key read.
func (p *configParser) lineOf(key string) int {
	for {
		if l, ok := p.lines[key]; ok {
			return l
		}
		i := strings.LastIndexAny(key, ".[")
		if i <= 0 {
			return 0
		}
		key = key[:i]
	}
}

// resolve follows aliases and !secret, and records where key is written.
func (p *configParser) resolve(n *yaml.Node, key string) (*yaml.Node, error) {
	if _, ok := p.lines[key]; !ok {
		p.lines[key] = p.line(n)
	}
	for depth := 0; ; depth++ {
		if depth > 100 {
			return nil, p.errf(n, key, "aliases nest too deep")
		}
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
			continue
		case n.Tag == "!secret" && n.Kind == yaml.ScalarNode:
			v, err := p.secret(n, key)
			if err != nil {
				return nil, err
			}
			n = v
			continue
		}
		break
	}
	switch n.Tag {
	case "!secret", "!include", "!include_dir_list", "!include_dir_named", "!include_dir_merge_list", "!include_dir_merge_named", "!env_var", "!input":
		return nil, p.errf(n, key, "%s is not supported here", n.Tag)
	}
	return n, nil
}

// secret looks a !secret up in secrets.yaml.
func (p *configParser) secret(n *yaml.Node, key string) (*yaml.Node, error) {
	if p.readSecrets == nil {
		return nil, p.errf(n, key, "!secret cannot be used in %s", SecretsFile)
	}
	if p.secrets == nil {
		p.secrets = &mapNode{}
		b, err := p.readSecrets()
		if err != nil {
			return nil, err
		}
		if len(b) > 0 {
			var doc yaml.Node
			if err := yaml.Unmarshal(b, &doc); err != nil {
				return nil, &ConfigError{File: p.secretsPath, Key: "(document)", Msg: err.Error()}
			}
			if len(doc.Content) > 0 {
				sp := &configParser{file: p.secretsPath, lines: map[string]int{}, secretLines: map[*yaml.Node]int{}}
				m, err := sp.mapping(doc.Content[0], "(document)", true)
				if err != nil {
					return nil, err
				}
				p.secrets = m
			}
		}
	}
	v := p.secrets.get(n.Value)
	if v == nil {
		return nil, p.errf(n, key, "Secret %s not defined", n.Value)
	}
	p.markSecret(v, p.line(n), 0)
	if v.Tag == "!secret" {
		return nil, p.errf(v, key, "secret %s refers to another secret", n.Value)
	}
	return v, nil
}

// markSecret points the nodes under n at line.
func (p *configParser) markSecret(n *yaml.Node, line, depth int) {
	if n == nil || depth > 100 {
		return
	}
	if _, done := p.secretLines[n]; done {
		return
	}
	p.secretLines[n] = line
	for _, c := range n.Content {
		p.markSecret(c, line, depth+1)
	}
	if n.Kind == yaml.AliasNode {
		p.markSecret(n.Alias, line, depth+1)
	}
}

// mapNode is a YAML mapping as Python's loader builds the dict: merge keys
// applied, a later key replacing an earlier one in its place.
type mapNode struct {
	node *yaml.Node
	keys []string
	vals []*yaml.Node
	knod []*yaml.Node
}

func (m *mapNode) get(key string) *yaml.Node {
	for i, k := range m.keys {
		if k == key {
			return m.vals[i]
		}
	}
	return nil
}

func (m *mapNode) set(k string, kn, v *yaml.Node) {
	for i, have := range m.keys {
		if have == k {
			m.vals[i] = v
			return
		}
	}
	m.keys = append(m.keys, k)
	m.knod = append(m.knod, kn)
	m.vals = append(m.vals, v)
}

// mapping reads n as a dict; null is an empty one when nullOK.
func (p *configParser) mapping(n *yaml.Node, key string, nullOK bool) (*mapNode, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	if nullOK && p.kind(n) == pyNone {
		return &mapNode{node: n}, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, key, "expected a dictionary")
	}
	m := &mapNode{node: n}
	if err := p.fill(m, n, key, 0); err != nil {
		return nil, err
	}
	return m, nil
}

func (p *configParser) fill(m *mapNode, n *yaml.Node, key string, depth int) error {
	if depth > 20 {
		return p.errf(n, key, "merge keys nest too deep")
	}
	var own [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			// << merges the mappings it names before the mapping's own keys.
			v, err := p.resolve(v, key)
			if err != nil {
				return err
			}
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, src := range srcs {
				src, err := p.resolve(src, key)
				if err != nil {
					return err
				}
				if src.Kind != yaml.MappingNode {
					return p.errf(src, key, "expected a mapping for merging")
				}
				if err := p.fill(m, src, key, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
	}
	for _, kv := range own {
		k := kv[0]
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return p.errf(k, key, "a mapping key must be a scalar")
		}
		m.set(k.Value, k, kv[1])
	}
	return nil
}

// pyKind is the Python type Home Assistant's loader gives a YAML value.
type pyKind int

const (
	pyNone pyKind = iota
	pyStr
	pyInt
	pyFloat
	pyBool
	pyTimestamp
	pyList
	pyDict
)

var pyKindNames = [...]string{"None", "str", "int", "float", "bool", "datetime", "list", "dict"}

func (k pyKind) String() string { return pyKindNames[k] }

// PyYAML's implicit resolvers (YAML 1.1), by the type they give.
var (
	yaml11Bool  = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	yaml11Float = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?` +
		`|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	yaml11Int = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+` +
		`|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	yaml11Null      = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
	yaml11Timestamp = regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]` +
		`|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?` +
		`(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)
)

// yaml11Kind is the type PyYAML gives a plain scalar.
func yaml11Kind(s string) pyKind {
	switch {
	case yaml11Bool.MatchString(s):
		return pyBool
	case yaml11Int.MatchString(s):
		return pyInt
	case yaml11Float.MatchString(s):
		return pyFloat
	case yaml11Null.MatchString(s):
		return pyNone
	case yaml11Timestamp.MatchString(s):
		return pyTimestamp
	}
	return pyStr
}

// kind types a resolved node: explicit tags win, quoted scalars are
// strings, plain scalars follow YAML 1.1.
func (p *configParser) kind(n *yaml.Node) pyKind {
	switch n.Kind {
	case yaml.MappingNode:
		return pyDict
	case yaml.SequenceNode:
		return pyList
	}
	if n.Style&yaml.TaggedStyle != 0 {
		switch n.Tag {
		case "!!str", "!!binary":
			return pyStr
		case "!!int":
			return pyInt
		case "!!float":
			return pyFloat
		case "!!bool":
			return pyBool
		case "!!null":
			return pyNone
		case "!!timestamp":
			return pyTimestamp
		}
		return pyStr
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return pyStr
	}
	return yaml11Kind(n.Value)
}

// str is voluptuous's str: the value must be a string.
func (p *configParser) str(n *yaml.Node, key string) (string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return "", err
	}
	if p.kind(n) != pyStr {
		return "", p.errf(n, key, "expected str")
	}
	return n.Value, nil
}

// cvString is cv.string: numbers and booleans become their text, None and
// containers are refused.
func (p *configParser) cvString(n *yaml.Node, key string) (string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return "", err
	}
	switch k := p.kind(n); k {
	case pyStr, pyFloat, pyTimestamp:
		return n.Value, nil
	case pyInt:
		if v, ok := pyInt64(n.Value); ok {
			return strconv.FormatInt(v, 10), nil
		}
		return n.Value, nil
	case pyBool:
		if pyTrue(n.Value) {
			return "True", nil
		}
		return "False", nil
	case pyNone:
		return "", p.errf(n, key, "string value is None")
	}
	return "", p.errf(n, key, "value should be a string")
}

func pyTrue(s string) bool {
	switch s {
	case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	}
	return false
}

// pyInt64 reads a YAML 1.1 integer as PyYAML constructs it.
func pyInt64(s string) (int64, bool) {
	s = strings.ReplaceAll(s, "_", "")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var v int64
	var err error
	switch {
	case strings.HasPrefix(s, "0b"):
		v, err = strconv.ParseInt(s[2:], 2, 64)
	case strings.HasPrefix(s, "0x"):
		v, err = strconv.ParseInt(s[2:], 16, 64)
	case s == "0":
	case strings.HasPrefix(s, "0"):
		v, err = strconv.ParseInt(s[1:], 8, 64)
	case strings.Contains(s, ":"):
		for _, part := range strings.Split(s, ":") {
			d, perr := strconv.ParseInt(part, 10, 64)
			if perr != nil || v > math.MaxInt64/60 {
				return 0, false
			}
			v = v*60 + d
		}
	default:
		v, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// cvBoolean is cv.boolean: a boolean, one of Home Assistant's words in any
// case, or a number (true unless zero).
func (p *configParser) cvBoolean(n *yaml.Node, key string) (bool, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return false, err
	}
	switch p.kind(n) {
	case pyBool:
		return pyTrue(n.Value), nil
	case pyStr:
		switch strings.ToLower(n.Value) {
		case "1", "true", "yes", "on", "enable":
			return true, nil
		case "0", "false", "no", "off", "disable":
			return false, nil
		}
	case pyInt:
		v, ok := pyInt64(n.Value)
		return !ok || v != 0, nil
	case pyFloat:
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		return err != nil || f != 0, nil
	}
	text := n.Value
	if p.kind(n) == pyNone {
		text = "None"
	}
	return false, p.errf(n, key, "invalid boolean value %s", text)
}

// boolean is voluptuous's bool: only a boolean.
func (p *configParser) boolean(n *yaml.Node, key string) (bool, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return false, err
	}
	if p.kind(n) != pyBool {
		return false, p.errf(n, key, "expected bool")
	}
	return pyTrue(n.Value), nil
}

// coerceInt is vol.Coerce(int): int() of the value.
func (p *configParser) coerceInt(n *yaml.Node, key string) (int64, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return 0, err
	}
	switch p.kind(n) {
	case pyInt:
		if v, ok := pyInt64(n.Value); ok {
			return v, nil
		}
	case pyBool:
		if pyTrue(n.Value) {
			return 1, nil
		}
		return 0, nil
	case pyFloat:
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) < 1<<62 {
			return int64(f), nil
		}
	case pyStr:
		// int() of a string: optional space and sign, digits with single
		// underscores between them.
		s := strings.TrimSpace(n.Value)
		if ok, _ := regexp.MatchString(`^[-+]?[0-9](?:_?[0-9])*$`, s); ok {
			if v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64); err == nil {
				return v, nil
			}
		}
	}
	return 0, p.errf(n, key, "expected int")
}

// ensureList is cv.ensure_list: None is an empty list, a single value a
// list of one.
func (p *configParser) ensureList(n *yaml.Node, key string) ([]*yaml.Node, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	switch {
	case n.Kind == yaml.SequenceNode:
		return n.Content, nil
	case p.kind(n) == pyNone:
		return nil, nil
	}
	return []*yaml.Node{n}, nil
}

// stringList is vol.All(cv.ensure_list, [cv.string]).
func (p *configParser) stringList(n *yaml.Node, key string) ([]string, error) {
	items, err := p.ensureList(n, key)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for i, it := range items {
		s, err := p.cvString(it, key+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// networkList is vol.All(cv.ensure_list, [ip_network]): the items' text;
// the core parses them.
func (p *configParser) networkList(n *yaml.Node, key string) ([]string, error) {
	items, err := p.ensureList(n, key)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for i, it := range items {
		s, err := p.network(it, key+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// network reads an ip_network argument: a string, or an integer that
// ip_network takes as an address.
func (p *configParser) network(n *yaml.Node, key string) (string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return "", err
	}
	switch p.kind(n) {
	case pyStr:
		return n.Value, nil
	case pyInt:
		if v, ok := pyInt64(n.Value); ok && v >= 0 && v < 1<<32 {
			return strconv.FormatInt(v>>24, 10) + "." + strconv.FormatInt(v>>16&255, 10) + "." +
				strconv.FormatInt(v>>8&255, 10) + "." + strconv.FormatInt(v&255, 10), nil
		}
	}
	return "", p.errf(n, key, "not a valid value")
}

// allowedKeys refuses keys a schema does not take, as voluptuous's
// PREVENT_EXTRA does.
func (p *configParser) allowedKeys(m *mapNode, key string, allowed ...string) error {
	for i, k := range m.keys {
		ok := false
		for _, a := range allowed {
			if a == k {
				ok = true
			}
		}
		if !ok {
			return p.errf(m.knod[i], key+"."+k, "extra keys not allowed")
		}
	}
	return nil
}

// optStr reads an optional strict string member.
func (p *configParser) optStr(m *mapNode, name, key string) (*string, error) {
	n := m.get(name)
	if n == nil {
		return nil, nil
	}
	s, err := p.str(n, key+"."+name)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func (p *configParser) homeassistant(n *yaml.Node, cfg *core.Config) error {
	ha, err := p.mapping(n, "homeassistant", true)
	if err != nil {
		return err
	}
	if v := ha.get("auth_providers"); v != nil {
		if cfg.Providers, err = p.providers(v); err != nil {
			return err
		}
	}
	if v := ha.get("auth_mfa_modules"); v != nil {
		mods, err := p.modules(v)
		if err != nil {
			return err
		}
		if mods == nil {
			mods = []core.MFAModuleConfig{}
		}
		cfg.MFAModules = mods
	}
	for _, name := range []string{"internal_url", "external_url"} {
		v := ha.get(name)
		if v == nil {
			continue
		}
		u, err := p.cvString(v, "homeassistant."+name)
		if err != nil {
			return err
		}
		scheme, _, _ := strings.Cut(u, ":")
		if scheme = strings.ToLower(scheme); (scheme != "http" && scheme != "https") || !strings.Contains(u, ":") {
			return p.errf(v, "homeassistant."+name, "invalid url")
		}
		cfg.URLs = append(cfg.URLs, u)
	}
	return nil
}

func (p *configParser) providers(n *yaml.Node) ([]core.ProviderConfig, error) {
	const base = "homeassistant.auth_providers"
	items, err := p.ensureList(n, base)
	if err != nil {
		return nil, err
	}
	out := []core.ProviderConfig{}
	type pkey struct {
		typ string
		id  *string
	}
	var seen []pkey
	for i, it := range items {
		key := base + "[" + strconv.Itoa(i) + "]"
		m, err := p.mapping(it, key, false)
		if err != nil {
			return nil, err
		}
		pc, err := p.provider(m, key)
		if err != nil {
			return nil, err
		}
		for _, s := range seen {
			if s.typ == pc.Type && ((s.id == nil && pc.ID == nil) || (s.id != nil && pc.ID != nil && *s.id == *pc.ID)) {
				return nil, p.errf(m.node, key, "Duplicate auth provider %s found. Please add unique IDs if you want to have the same auth provider twice", pc.Type)
			}
		}
		seen = append(seen, pkey{pc.Type, pc.ID})
		out = append(out, pc)
	}
	return out, nil
}

func (p *configParser) provider(m *mapNode, key string) (core.ProviderConfig, error) {
	var pc core.ProviderConfig
	t := m.get("type")
	if t == nil {
		return pc, p.errf(m.node, key+".type", "required key not provided")
	}
	var err error
	if pc.Type, err = p.str(t, key+".type"); err != nil {
		return pc, err
	}
	if pc.Type == "insecure_example" {
		return pc, p.errf(t, key+".type", "The insecure_example auth provider is for testing only.")
	}
	if pc.ID, err = p.optStr(m, "id", key); err != nil {
		return pc, err
	}
	if pc.Name, err = p.optStr(m, "name", key); err != nil {
		return pc, err
	}
	common := []string{"type", "id", "name"}
	switch pc.Type {
	case "homeassistant":
		return pc, p.allowedKeys(m, key, common...)
	case "trusted_networks":
		if err := p.allowedKeys(m, key, append(common, "trusted_networks", "trusted_users", "allow_bypass_login")...); err != nil {
			return pc, err
		}
		tn := m.get("trusted_networks")
		if tn == nil {
			return pc, p.errf(m.node, key+".trusted_networks", "required key not provided")
		}
		if pc.TrustedNetworks, err = p.networkList(tn, key+".trusted_networks"); err != nil {
			return pc, err
		}
		if v := m.get("trusted_users"); v != nil {
			if pc.TrustedUsers, err = p.trustedUsers(v, key+".trusted_users"); err != nil {
				return pc, err
			}
		}
		if v := m.get("allow_bypass_login"); v != nil {
			if pc.AllowBypassLogin, err = p.cvBoolean(v, key+".allow_bypass_login"); err != nil {
				return pc, err
			}
		}
	case "command_line":
		if err := p.allowedKeys(m, key, append(common, "command", "args", "meta")...); err != nil {
			return pc, err
		}
		cmd := m.get("command")
		if cmd == nil {
			return pc, p.errf(m.node, key+".command", "required key not provided")
		}
		if pc.Command, err = p.str(cmd, key+".command"); err != nil {
			return pc, p.errf(cmd, key+".command", "must be an absolute path")
		}
		if v := m.get("args"); v != nil {
			if pc.Args, err = p.args(v, key+".args"); err != nil {
				return pc, err
			}
		}
		if v := m.get("meta"); v != nil {
			if pc.Meta, err = p.boolean(v, key+".meta"); err != nil {
				return pc, err
			}
		}
	}
	// Other types are the core's to refuse.
	return pc, nil
}

// args is vol.Any(vol.DefaultTo(list), [str]): null for none, or a list of
// strings (a single string is not a list here).
func (p *configParser) args(n *yaml.Node, key string) ([]string, error) {
	n, err := p.resolve(n, key)
	if err != nil {
		return nil, err
	}
	if p.kind(n) == pyNone {
		return []string{}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, key, "expected list")
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

// trustedUsers is {ip_network: vol.All(cv.ensure_list, [vol.Or(cv.uuid4_hex,
// {vol.Required("group"): str})])}; the core checks the ids and networks.
func (p *configParser) trustedUsers(n *yaml.Node, key string) ([]core.TrustedUsers, error) {
	m, err := p.mapping(n, key, false)
	if err != nil {
		return nil, err
	}
	var out []core.TrustedUsers
	for i, network := range m.keys {
		nk := key + "." + network
		p.lines[nk] = m.knod[i].Line
		if kn := m.knod[i]; p.kind(kn) != pyStr && p.kind(kn) != pyInt {
			return nil, p.errf(kn, nk, "extra keys not allowed")
		}
		tu := core.TrustedUsers{Network: network}
		items, err := p.ensureList(m.vals[i], nk)
		if err != nil {
			return nil, err
		}
		tu.Users = []core.TrustedUser{}
		for j, it := range items {
			ik := nk + "[" + strconv.Itoa(j) + "]"
			it, err := p.resolve(it, ik)
			if err != nil {
				return nil, err
			}
			switch p.kind(it) {
			case pyStr:
				tu.Users = append(tu.Users, core.TrustedUser{UserID: it.Value})
			case pyDict:
				gm, err := p.mapping(it, ik, false)
				if err != nil {
					return nil, err
				}
				if err := p.allowedKeys(gm, ik, "group"); err != nil {
					return nil, err
				}
				g := gm.get("group")
				if g == nil {
					return nil, p.errf(it, ik+".group", "required key not provided")
				}
				s, err := p.str(g, ik+".group")
				if err != nil {
					return nil, err
				}
				tu.Users = append(tu.Users, core.TrustedUser{Group: s})
			default:
				return nil, p.errf(it, ik, "expected a user id or {group: <group id>}")
			}
		}
		out = append(out, tu)
	}
	return out, nil
}

func (p *configParser) modules(n *yaml.Node) ([]core.MFAModuleConfig, error) {
	const base = "homeassistant.auth_mfa_modules"
	items, err := p.ensureList(n, base)
	if err != nil {
		return nil, err
	}
	out := []core.MFAModuleConfig{}
	var ids []string
	for i, it := range items {
		key := base + "[" + strconv.Itoa(i) + "]"
		m, err := p.mapping(it, key, false)
		if err != nil {
			return nil, err
		}
		mc, err := p.module(m, key)
		if err != nil {
			return nil, err
		}
		id := mc.ID
		if id == "" {
			id = mc.Type
		}
		for _, s := range ids {
			if s == id {
				return nil, p.errf(m.node, key, "Duplicate mfa module %s found. Please add unique IDs if you want to have the same mfa module twice", mc.Type)
			}
		}
		ids = append(ids, id)
		out = append(out, mc)
	}
	return out, nil
}

func (p *configParser) module(m *mapNode, key string) (core.MFAModuleConfig, error) {
	var mc core.MFAModuleConfig
	t := m.get("type")
	if t == nil {
		return mc, p.errf(m.node, key+".type", "required key not provided")
	}
	var err error
	if mc.Type, err = p.str(t, key+".type"); err != nil {
		return mc, err
	}
	if mc.Type == "insecure_example" {
		return mc, p.errf(t, key+".type", "The insecure_example mfa module is for testing only.")
	}
	id, err := p.optStr(m, "id", key)
	if err != nil {
		return mc, err
	}
	if id != nil {
		mc.ID = *id
	}
	if mc.Name, err = p.optStr(m, "name", key); err != nil {
		return mc, err
	}
	common := []string{"type", "id", "name"}
	switch mc.Type {
	case "totp":
		return mc, p.allowedKeys(m, key, common...)
	case "notify":
		if err := p.allowedKeys(m, key, append(common, "include", "exclude", "message")...); err != nil {
			return mc, err
		}
		if v := m.get("include"); v != nil {
			if mc.Include, err = p.stringList(v, key+".include"); err != nil {
				return mc, err
			}
		}
		if v := m.get("exclude"); v != nil {
			if mc.Exclude, err = p.stringList(v, key+".exclude"); err != nil {
				return mc, err
			}
		}
		if v := m.get("message"); v != nil {
			s, err := p.cvString(v, key+".message")
			if err != nil {
				return mc, err
			}
			mc.Message = &s
		}
	}
	return mc, nil
}

func (p *configParser) http(n *yaml.Node) (core.HTTPConfig, error) {
	var hc core.HTTPConfig
	m, err := p.mapping(n, "http", true)
	if err != nil {
		return hc, err
	}
	fwd, proxies := m.get("use_x_forwarded_for"), m.get("trusted_proxies")
	// vol.Inclusive(..., "proxy"): both or neither.
	if (fwd == nil) != (proxies == nil) {
		missing, have := "trusted_proxies", fwd
		if fwd == nil {
			missing, have = "use_x_forwarded_for", proxies
		}
		return hc, p.errf(have, "http."+missing, "some but not all values in the same group of inclusion 'proxy'")
	}
	if fwd != nil {
		if hc.UseXForwardedFor, err = p.cvBoolean(fwd, "http.use_x_forwarded_for"); err != nil {
			return hc, err
		}
		if hc.TrustedProxies, err = p.networkList(proxies, "http.trusted_proxies"); err != nil {
			return hc, err
		}
	}
	if v := m.get("ip_ban_enabled"); v != nil {
		b, err := p.cvBoolean(v, "http.ip_ban_enabled")
		if err != nil {
			return hc, err
		}
		hc.IPBanEnabled = &b
	}
	if v := m.get("login_attempts_threshold"); v != nil {
		// vol.Any(cv.positive_int, -1): 0 is allowed and, like -1, never bans.
		i, err := p.coerceInt(v, "http.login_attempts_threshold")
		if err != nil {
			return hc, err
		}
		if i < 0 && i != -1 {
			return hc, p.errf(v, "http.login_attempts_threshold", "value must be at least 0")
		}
		if i > math.MaxInt32 {
			i = math.MaxInt32
		}
		t := int(i)
		hc.LoginAttemptsThreshold = &t
	}
	if v := m.get("cors_allowed_origins"); v != nil {
		if hc.CORSAllowedOrigins, err = p.stringList(v, "http.cors_allowed_origins"); err != nil {
			return hc, err
		}
	}
	return hc, nil
}
