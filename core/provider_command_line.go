package core

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// The command_line provider (spec §5.5): a command decides whether a
// username and password are valid. The core asks the host to run it (a Run
// effect) with exactly {username, password} as its environment.

// commandTimeout is how long a login command may run, in microseconds.
// Home Assistant waits for the command without a limit; a command that
// hangs would hold the login flow busy for good, so it is stopped and the
// login counts as invalid.
const commandTimeout = 30 * authstore.Second

// commandMetaKeys are the stdout keys a command may set with meta on.
var commandMetaKeys = []string{"name", "group", "local_only"}

// commandLineProvider is one configured command_line provider.
type commandLineProvider struct {
	providerBase
	command string
	args    []string
	useMeta bool
	// userMeta holds what the command printed at each username's last
	// successful login, for the user made when its credentials are new. Like
	// Home Assistant's, it lives in memory only.
	userMeta map[string]commandMeta
}

// commandMeta is the command's key=value output, as Home Assistant keeps
// it: a key is absent, or set (possibly to "").
type commandMeta struct {
	name, group, localOnly *string
}

func newCommandLineProvider(pc ProviderConfig, key string) (*commandLineProvider, error) {
	if pc.Command == "" {
		return nil, &ConfigError{Key: key + ".command", Message: "required key not provided"}
	}
	p := &commandLineProvider{
		providerBase: providerBase{k: keyOf(pc.Type, pc.ID), title: titleCommandLine, mfa: true},
		command:      pyNormPath(pc.Command),
		args:         append([]string{}, pc.Args...),
		useMeta:      pc.Meta,
		userMeta:     map[string]commandMeta{},
	}
	if pc.Name != nil {
		p.title = *pc.Name
	}
	return p, nil
}

// pyNormPath is Python's posixpath.normpath, which Home Assistant applies to
// the configured command: "." and empty segments dropped, ".." folded,
// exactly two leading slashes kept.
func pyNormPath(p string) string {
	if p == "" {
		return "."
	}
	lead := 0
	if strings.HasPrefix(p, "/") {
		lead = 1
		if strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "///") {
			lead = 2
		}
	}
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "" || seg == ".":
		case seg != "..", lead == 0 && len(out) == 0, len(out) > 0 && out[len(out)-1] == "..":
			out = append(out, seg)
		case len(out) > 0:
			out = out[:len(out)-1]
		}
	}
	s := strings.Repeat("/", lead) + strings.Join(out, "/")
	if s == "" {
		return "."
	}
	return s
}

func (p *commandLineProvider) init(c *Core, f *loginFlow, input *orjson.Value) stepResult {
	if input == nil {
		return formResult(stepInit, schema.HomeAssistantLogin, "")
	}
	user, _ := input.Get("username")
	pass, _ := input.Get("password")
	username := pyStrip(user.Str)
	f.Scratch = stringObject("username", username)
	run := &Run{
		ID:            c.newID(),
		Command:       p.command,
		Args:          append([]string{}, p.args...),
		Env:           []Header{{Name: "username", Value: username}, {Name: "password", Value: pass.Str}},
		TimeoutMillis: int(commandTimeout / 1000),
	}
	c.emit(Effect{Run: run})
	c.awaitUntil(run.ID, c.now+commandTimeout)
	return suspended(run.ID)
}

func (p *commandLineProvider) resume(c *Core, f *loginFlow, res opResult) stepResult {
	v, _ := f.Scratch.Get("username")
	username := v.Str
	who := schema.PythonRepr(orjson.StringValue(username))
	r := res.run
	switch {
	case r == nil:
		c.logf(LogError, "Error while authenticating "+who+": the command did not finish in time")
	case r.Error != "":
		c.logf(LogError, "Error while authenticating "+who+": "+r.Error)
	case r.ExitCode != 0:
		c.logf(LogError, "User "+who+" failed to authenticate, command exited with code "+strconv.Itoa(r.ExitCode))
	default:
		if p.useMeta {
			p.userMeta[username] = parseCommandMeta(r.Stdout)
		}
		return entryResult(stringObject("username", username))
	}
	return formResult(stepInit, schema.HomeAssistantLogin, errorInvalidAuth)
}

// parseCommandMeta reads the key=value lines a command printed: lines that
// are not UTF-8, comments and lines without '=' are skipped, keys and values
// are stripped, only name, group and local_only are kept, the last of each
// wins.
func parseCommandMeta(stdout []byte) commandMeta {
	var m commandMeta
	for len(stdout) > 0 {
		// bytes.splitlines: \n, \r\n and \r end a line.
		i := bytes.IndexAny(stdout, "\r\n")
		var line []byte
		if i < 0 {
			line, stdout = stdout, nil
		} else {
			line = stdout[:i]
			if stdout[i] == '\r' && i+1 < len(stdout) && stdout[i+1] == '\n' {
				i++
			}
			stdout = stdout[i+1:]
		}
		if !utf8.Valid(line) {
			continue
		}
		s := strings.TrimLeftFunc(string(line), pySpace)
		if strings.HasPrefix(s, "#") {
			continue
		}
		key, value, ok := strings.Cut(s, "=")
		if !ok {
			continue
		}
		key, value = pyStrip(key), pyStrip(value)
		for _, k := range commandMetaKeys {
			if k != key {
				continue
			}
			val := value
			switch key {
			case "name":
				m.name = &val
			case "group":
				m.group = &val
			case "local_only":
				m.localOnly = &val
			}
		}
	}
	return m
}

// credentials are {"username": the stripped username}, compared exactly.
func (p *commandLineProvider) credentials(c *Core, data orjson.Value) (*authstore.Credential, error) {
	v, _ := data.Get("username")
	if cred := c.findCredential(p.k, "username", v.Str); cred != nil {
		return cred, nil
	}
	return c.newCredential(p.k, stringObject("username", v.Str)), nil
}

// meta is the command's output for the username: the name, the group (an
// empty or missing one means administrators) and local_only, which is only
// "true" exactly.
func (p *commandLineProvider) meta(_ *Core, cred *authstore.Credential) userMeta {
	name, _ := cred.DataString("username")
	m := p.userMeta[name]
	um := userMeta{Name: m.name, IsActive: true, LocalOnly: m.localOnly != nil && *m.localOnly == "true"}
	if m.group != nil {
		um.Group = *m.group
	}
	return um
}

// pyStrip is Python's str.strip(): white space as Python defines it, which
// includes the separators U+001C to U+001F.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pySpace)
}

func pySpace(r rune) bool {
	return (r >= 0x1c && r <= 0x1f) || unicode.IsSpace(r)
}
