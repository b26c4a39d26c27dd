package native

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/network"
)

// fetch carries out a Fetch effect: a GET with the core's time and size
// limits. Without FollowRedirects the first response is final. When the
// body cannot be read to the end (the time ran out, the connection broke),
// Error says so and Body holds what arrived.
func (h *Host) fetch(f core.Fetch) *core.FetchResult {
	res := &core.FetchResult{ID: f.ID}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(f.TimeoutMillis)*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	client := h.opts.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	cl := *client
	redirected := false
	prev := cl.CheckRedirect
	cl.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if !f.FollowRedirects {
			return http.ErrUseLastResponse
		}
		redirected = true
		if prev != nil {
			return prev(r, via)
		}
		// aiohttp's max_redirects.
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	resp, err := cl.Do(req)
	if err != nil {
		res.Error = fetchError(ctx, err)
		return res
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(f.MaxBytes)))
	res.Status = resp.StatusCode
	res.Redirected = redirected
	res.Body = body
	if err != nil {
		res.Error = fetchError(ctx, err)
	}
	return res
}

// fetchError describes a failed fetch, naming a timeout as such.
func fetchError(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return "timeout: " + err.Error()
	}
	return err.Error()
}

// Limits of a command_line command's output.
const (
	maxCommandStdout = 64 << 10
	maxCommandStderr = 4 << 10
)

// runCommand carries out a Run effect: the command with exactly the
// environment given (nothing inherited), and killed when its time is up.
// What it writes to stderr goes to the log, as Home Assistant lets it
// through to its own.
func (h *Host) runCommand(r core.Run) *core.RunResult {
	res := &core.RunResult{ID: r.ID}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.TimeoutMillis)*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Command, r.Args...)
	cmd.Env = []string{}
	for _, e := range r.Env {
		cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
	}
	// A child that keeps the output open must not hold the login after the
	// command itself is gone.
	cmd.WaitDelay = time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: maxCommandStdout}
	cmd.Stderr = &limitedWriter{w: &errOut, n: maxCommandStderr}
	err := cmd.Run()
	res.Stdout = out.Bytes()
	if errOut.Len() > 0 {
		h.log.Warn("command_line auth command wrote to stderr", "command", r.Command,
			"stderr", strings.ToValidUTF8(errOut.String(), "\uFFFD"))
	}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.Error = "timed out after " + (time.Duration(r.TimeoutMillis) * time.Millisecond).String()
		res.ExitCode = -1
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	case err != nil:
		res.Error = err.Error()
		res.ExitCode = -1
	}
	return res
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	q := p
	if len(q) > l.n {
		q = q[:l.n]
	}
	l.n -= len(q)
	if _, err := l.w.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// notify carries out a Notify effect through the configured notifier.
func (h *Host) notify(n core.Notify) *core.NotifyResult {
	res := &core.NotifyResult{ID: n.ID}
	if h.opts.Notify == nil {
		h.log.Warn("no notifier is configured: cannot send a login code", "service", n.Service)
		res.Error = "no notifier configured"
		return res
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.opts.Notify.Notify(ctx, n); err != nil {
		res.Error = err.Error()
	}
	return res
}

// external hands an External effect to the embedder, on its own goroutine
// so that an embedder calling back into the host cannot stall the loop.
func (h *Host) external(x core.External) {
	if h.opts.External == nil {
		h.log.Warn("an OAuth2 callback arrived but no Options.External is set", "flow_id", x.FlowID)
		return
	}
	h.goAsync(func() { h.opts.External(x) })
}

// BansFile is Home Assistant's list of banned addresses.
const BansFile = "ip_bans.yaml"

// readBans reads ip_bans.yaml as Home Assistant's IpBanManager does: a
// mapping of addresses to {banned_at: <datetime or null>}. An entry Home
// Assistant's schema refuses is logged and skipped, as is an address that
// does not parse (where Home Assistant would fail); a file that is not
// YAML is logged and read as no bans, as Home Assistant does. Only a file
// that cannot be read is an error.
func readBans(dir string, log *slog.Logger) ([]core.Ban, error) {
	path := filepath.Join(dir, BansFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	bans, problems, err := parseBans(b)
	if err != nil {
		log.Error("Unable to load "+path+": "+err.Error(), "file", path)
		return nil, nil
	}
	for _, p := range problems {
		log.Error("Failed to load IP ban "+p, "file", path)
	}
	return bans, nil
}

// parseBans reads the bans file's text; problems are the entries skipped.
func parseBans(b []byte) (bans []core.Ban, problems []string, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil, nil
	}
	m := doc.Content[0]
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return nil, nil, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, nil, errors.New("the document is not a mapping of addresses")
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		ip, err := network.ParseIP(k.Value)
		if err != nil || k.Kind != yaml.ScalarNode {
			problems = append(problems, k.Value+": not an IP address")
			continue
		}
		ban := core.Ban{IP: ip.String()}
		if v.Kind != yaml.MappingNode {
			problems = append(problems, k.Value+": expected a dictionary")
			continue
		}
		ok := true
		for j := 0; j+1 < len(v.Content); j += 2 {
			key, val := v.Content[j].Value, v.Content[j+1]
			switch {
			case key != "banned_at":
				problems = append(problems, k.Value+": extra keys not allowed @ data['"+key+"']")
				ok = false
			case val.Kind == yaml.ScalarNode && (val.Tag == "!!null" || (val.Style == 0 && isYAMLNull(val.Value))):
			case val.Kind == yaml.ScalarNode && isDatetime(val.Value):
				ban.BannedAt = val.Value
			default:
				problems = append(problems, k.Value+": Invalid datetime specified: "+val.Value+" for dictionary value @ data['banned_at']")
				ok = false
			}
		}
		if ok {
			bans = append(bans, ban)
		}
	}
	return bans, problems, nil
}

func isYAMLNull(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// isDatetime accepts the date and time forms Home Assistant's
// dt_util.parse_datetime and YAML timestamps give.
var datetimeRE = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?(?:[ \t]*(?:Z|z|[-+]\d{1,2}(?::?\d{2})?))?)?$`)

func isDatetime(s string) bool { return datetimeRE.MatchString(s) }

// appendBan appends a ban to ip_bans.yaml as Home Assistant does: a blank
// line, then the address with its banned_at, written as PyYAML writes that
// mapping.
func appendBan(dir string, b core.Ban) error {
	entry := "\n" + yamlKey(b.IP) + ":\n  banned_at: " + yamlKey(b.BannedAt) + "\n"
	return appendSync(dir, BansFile, []byte(entry), false)
}

// yamlKey writes a string scalar as PyYAML's emitter does for a simple
// mapping key or value in block context: plain when that reads back as the
// same string, otherwise single-quoted, or double-quoted for characters a
// single-quoted scalar cannot hold.
func yamlKey(s string) string {
	plain, single := yamlStyles(s)
	switch {
	case plain && !yaml11Implicit(s):
		return s
	case single:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if esc, ok := yamlEscapes[r]; ok {
			b.WriteByte('\\')
			b.WriteByte(esc)
			continue
		}
		switch {
		case r >= 0x20 && r <= 0x7e || r >= 0xa1 && r <= 0xd7ff && r != 0x2028 && r != 0x2029 || r >= 0xe000 && r <= 0xfffd && r != 0xfeff || r >= 0x10000:
			b.WriteRune(r)
		case r <= 0xff:
			b.WriteString(`\x` + hex2(int(r)))
		default:
			b.WriteString(`\u` + hex2(int(r)>>8) + hex2(int(r)&0xff))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlEscapes are the short escapes of PyYAML's double-quoted style.
var yamlEscapes = map[rune]byte{
	0: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
	'"': '"', '\\': '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
}

func hex2(v int) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[v>>4&15], digits[v&15]})
}

// yamlStyles is the part of PyYAML's analyze_scalar that decides whether a
// scalar may be a plain simple key in block context, or at least
// single-quoted; otherwise it is double-quoted.
func yamlStyles(s string) (plain, single bool) {
	if s == "" {
		return false, true
	}
	if !utf8.ValidString(s) {
		return false, false
	}
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		return false, true
	}
	space := func(i int) bool { return i >= len(s) || strings.IndexByte("\x00 \t\r\n", s[i]) >= 0 }
	blockIndicators := false
	for i, r := range s {
		followed := space(i + utf8.RuneLen(r))
		if i == 0 {
			if strings.ContainsRune("#,[]{}&*!|>'\"%@`", r) || (strings.ContainsRune("?:-", r) && followed) {
				blockIndicators = true
			}
		} else if (r == ':' && followed) || (r == '#' && space(i-1)) {
			blockIndicators = true
		}
		printable := r >= 0x20 && r <= 0x7e ||
			(r == 0x85 || r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000) && r != 0xfeff
		if !printable || r == 0x85 || r == 0x2028 || r == 0x2029 {
			// Special characters and line breaks need double quotes in a key.
			return false, false
		}
	}
	edge := s[0] == ' ' || s[len(s)-1] == ' '
	return !edge && !blockIndicators, true
}

// yaml11Implicit reports whether PyYAML would read the plain scalar s as
// something other than the string: a bool, number, null or timestamp
// (config.go's resolvers), or a merge or value key.
func yaml11Implicit(s string) bool { return s == "<<" || s == "=" || yaml11Kind(s) != pyStr }
