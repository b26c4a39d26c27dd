package native

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hassauth/hassauth/core"
)

// HassauthFile is hassauth's own configuration file in the configuration
// directory, for what Home Assistant's configuration.yaml has no key for.
// Keeping it apart leaves configuration.yaml as Home Assistant reads it.
const HassauthFile = "hassauth.yaml"

// NotifyService is a notification service of the notify MFA module. Home
// Assistant sends codes through its notify integrations; hassauth runs a
// command or calls a webhook, named like a notify service.
type NotifyService struct {
	// Name is the service's name (notify.<name> in Home Assistant): lower
	// case letters, digits and underscores.
	Name string
	// Command is an absolute path, run with Args and, besides the
	// host's environment, HASSAUTH_NOTIFY_SERVICE, HASSAUTH_NOTIFY_MESSAGE
	// and HASSAUTH_NOTIFY_TARGET (only when the user gave a target). It
	// must exit 0.
	Command string
	Args    []string
	// Webhook is an http or https URL that receives a POST of
	// {"service": ..., "message": ..., "target": [...]} ("target" only when
	// the user gave one) and must answer 2xx.
	Webhook string
}

// LoadNotifyServices reads the notify section of hassauth.yaml:
//
//	notify:
//	  - name: phone
//	    command: /usr/local/bin/send-sms
//	    args: ["--quiet"]
//	  - name: ntfy
//	    webhook: !secret ntfy_webhook
//
// No file, or no section, gives none. !secret values come from
// secrets.yaml.
func LoadNotifyServices(dir string) ([]NotifyService, error) {
	path := filepath.Join(dir, HassauthFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	secretsPath := filepath.Join(dir, SecretsFile)
	return parseNotifyServices(path, b, secretsPath, func() ([]byte, error) {
		s, err := os.ReadFile(secretsPath)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return s, err
	})
}

// parseNotifyServices reads hassauth.yaml's text; readSecrets gives
// secrets.yaml's when a !secret needs it.
func parseNotifyServices(path string, b []byte, secretsPath string, readSecrets func() ([]byte, error)) ([]NotifyService, error) {
	p := &configParser{file: path, secretsPath: secretsPath, lines: map[string]int{}, secretLines: map[*yaml.Node]int{},
		readSecrets: readSecrets}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, &ConfigError{File: path, Key: "(document)", Msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root, err := p.mapping(doc.Content[0], "(document)", true)
	if err != nil {
		return nil, err
	}
	n := root.get("notify")
	if n == nil {
		return nil, nil
	}
	n, err = p.resolve(n, "notify")
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, "notify", "expected a list")
	}
	items := n.Content
	var out []NotifyService
	seen := map[string]bool{}
	for i, item := range items {
		key := "notify[" + strconv.Itoa(i) + "]"
		m, err := p.mapping(item, key, false)
		if err != nil {
			return nil, err
		}
		if err := p.allowedKeys(m, key, "name", "command", "args", "webhook"); err != nil {
			return nil, err
		}
		var s NotifyService
		nameNode := m.get("name")
		if nameNode == nil {
			return nil, p.errf(m.node, key+".name", "required key not provided")
		}
		if s.Name, err = p.str(nameNode, key+".name"); err != nil {
			return nil, err
		}
		if !isServiceName(s.Name) {
			return nil, p.errf(nameNode, key+".name", "%q is not a service name: use lower case letters, digits and underscores", s.Name)
		}
		if seen[s.Name] {
			return nil, p.errf(nameNode, key+".name", "service %s is named twice", s.Name)
		}
		seen[s.Name] = true
		cmd, hook := m.get("command"), m.get("webhook")
		switch {
		case cmd != nil && hook != nil, cmd == nil && hook == nil:
			return nil, p.errf(m.node, key, "give either command or webhook")
		case cmd != nil:
			if s.Command, err = p.str(cmd, key+".command"); err != nil {
				return nil, err
			}
			if !filepath.IsAbs(s.Command) {
				return nil, p.errf(cmd, key+".command", "%q is not an absolute path", s.Command)
			}
			if a := m.get("args"); a != nil {
				if s.Args, err = p.stringList(a, key+".args"); err != nil {
					return nil, err
				}
			}
		default:
			if m.get("args") != nil {
				return nil, p.errf(m.node, key+".args", "args go with a command, not a webhook")
			}
			if s.Webhook, err = p.str(hook, key+".webhook"); err != nil {
				return nil, err
			}
			u, perr := url.Parse(s.Webhook)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				// The URL may hold a token: the error does not repeat it.
				return nil, p.errf(hook, key+".webhook", "expected an http or https URL")
			}
		}
		out = append(out, s)
	}
	return out, nil
}

func isServiceName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Notifiers delivers Notify effects through NotifyServices. It is the
// Notifier a Host uses unless Options.Notify gives another.
type Notifiers struct {
	services map[string]NotifyService
	client   *http.Client
}

// NewNotifiers builds a Notifiers; a nil client means http.DefaultClient.
func NewNotifiers(services []NotifyService, client *http.Client) *Notifiers {
	n := &Notifiers{services: map[string]NotifyService{}, client: client}
	if n.client == nil {
		n.client = http.DefaultClient
	}
	for _, s := range services {
		n.services[s.Name] = s
	}
	return n
}

// Services returns the services' names, sorted, for core.Config's
// NotifyServices.
func (n *Notifiers) Services() []string {
	out := make([]string, 0, len(n.services))
	for name := range n.services {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Notify sends a message through its service.
func (n *Notifiers) Notify(ctx context.Context, msg core.Notify) error {
	s, ok := n.services[msg.Service]
	if !ok {
		return errors.New("no notify service " + strconv.Quote(msg.Service))
	}
	if s.Command != "" {
		return notifyCommand(ctx, s, msg)
	}
	return n.notifyWebhook(ctx, s, msg)
}

func notifyCommand(ctx context.Context, s NotifyService, msg core.Notify) error {
	cmd := exec.CommandContext(ctx, s.Command, s.Args...)
	cmd.Env = append(os.Environ(),
		"HASSAUTH_NOTIFY_SERVICE="+msg.Service,
		"HASSAUTH_NOTIFY_MESSAGE="+msg.Message)
	if msg.Target != "" {
		cmd.Env = append(cmd.Env, "HASSAUTH_NOTIFY_TARGET="+msg.Target)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 1 << 10}
	err := cmd.Run()
	if ctx.Err() != nil {
		return errors.New("notify." + s.Name + ": " + s.Command + " timed out")
	}
	if err != nil {
		text := "notify." + s.Name + ": " + s.Command + ": " + err.Error()
		if out := strings.TrimSpace(stderr.String()); out != "" {
			text += ": " + out
		}
		return errors.New(text)
	}
	return nil
}

func (n *Notifiers) notifyWebhook(ctx context.Context, s NotifyService, msg core.Notify) error {
	body := map[string]any{"service": msg.Service, "message": msg.Message}
	if msg.Target != "" {
		body["target"] = []string{msg.Target}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Webhook, bytes.NewReader(b))
	if err != nil {
		return errors.New("notify." + s.Name + ": cannot make the webhook request")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		// url.Error repeats the URL, which may hold a token.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return errors.New("notify." + s.Name + ": webhook: " + err.Error())
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New("notify." + s.Name + ": webhook answered " + resp.Status)
	}
	return nil
}

// setupNotify picks the host's Notifier: Options.Notify, or else the
// services of hassauth.yaml, whose names then become the configuration's
// NotifyServices unless it names some itself. It warns when a notify MFA
// module is configured with no service to offer.
func (h *Host) setupNotify(cfg core.Config) (core.Config, error) {
	if h.opts.Notify == nil {
		services, err := LoadNotifyServices(h.dir)
		if err != nil {
			return cfg, err
		}
		if len(services) > 0 {
			n := NewNotifiers(services, h.opts.HTTPClient)
			h.opts.Notify = n
			if cfg.NotifyServices == nil {
				cfg.NotifyServices = n.Services()
			}
		}
	}
	for _, m := range cfg.MFAModules {
		if m.Type == "notify" && len(cfg.NotifyServices) == 0 {
			h.log.Warn("the notify MFA module is configured, but no notify service is: add a notify section to " +
				filepath.Join(h.dir, HassauthFile) + "; until then nobody can set the module up, and users who did cannot log in")
			break
		}
	}
	return cfg, nil
}
