package native

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hassauth/hassauth/core"
)

// fetch carries out a Fetch effect: a GET with the core's time and size
// limits. Without FollowRedirects the first response is final.
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
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	resp, err := cl.Do(req)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(f.MaxBytes)))
	if err != nil && len(body) == 0 {
		res.Error = err.Error()
		return res
	}
	res.Status = resp.StatusCode
	res.Redirected = redirected
	res.Body = body
	return res
}

// runCommand carries out a Run effect: the command with exactly the
// environment given and a time limit.
func runCommand(r core.Run) *core.RunResult {
	res := &core.RunResult{ID: r.ID}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.TimeoutMillis)*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Command, r.Args...)
	cmd.Env = []string{}
	for _, e := range r.Env {
		cmd.Env = append(cmd.Env, e.Name+"="+e.Value)
	}
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 64 << 10}
	err := cmd.Run()
	res.Stdout = out.Bytes()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		res.Error = "timed out"
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

// BansFile is Home Assistant's list of banned addresses.
const BansFile = "ip_bans.yaml"

// readBans reads ip_bans.yaml: {"<ip>": {"banned_at": "<isoformat>"}}.
func readBans(dir string) ([]core.Ban, error) {
	b, err := os.ReadFile(filepath.Join(dir, BansFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, errors.New(BansFile + ": " + err.Error())
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, errors.New(BansFile + ": expected a mapping of addresses")
	}
	var bans []core.Ban
	for i := 0; i+1 < len(m.Content); i += 2 {
		ban := core.Ban{IP: m.Content[i].Value}
		v := m.Content[i+1]
		if v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				if v.Content[j].Value == "banned_at" {
					ban.BannedAt = v.Content[j+1].Value
				}
			}
		}
		bans = append(bans, ban)
	}
	return bans, nil
}

// appendBan appends a ban to ip_bans.yaml as Home Assistant does: a blank
// line, then the address with its banned_at, in PyYAML's block style
// (IPv6 keys and the timestamp single-quoted, as PyYAML quotes them).
func appendBan(dir string, b core.Ban) error {
	key := b.IP
	if strings.Contains(key, ":") {
		key = "'" + key + "'"
	}
	entry := "\n" + key + ":\n  banned_at: '" + b.BannedAt + "'\n"
	return appendSync(dir, BansFile, []byte(entry), false)
}
