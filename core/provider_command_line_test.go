package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

func clConfig(meta bool) core.Config {
	cfg := testConfig()
	cfg.Providers = []core.ProviderConfig{{Type: "command_line", Command: "/usr//local/./bin/../bin/check", Args: []string{"--realm", "home"}, Meta: meta}}
	cfg.MFAModules = []core.MFAModuleConfig{}
	return cfg
}

// clSubmit starts a command_line flow, submits the credentials and returns
// the submitting request's id and the Run effect it caused.
func clSubmit(t *testing.T, h *harness, username, password string) (uint64, core.Run) {
	t.Helper()
	r := h.openFlow("command_line", clientID, redirectURI)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.json(t)
	require.Equal(t, "form", m["type"])
	assert.Equal(t, map[string]any{}, m["errors"])
	id := h.beginJSON("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": username, "password": password})
	_, answered := h.answer(id)
	require.False(t, answered, "the step waits for the command")
	runs := h.runs()
	require.Len(t, runs, 1)
	return id, runs[0]
}

func TestCommandLineRunEffect(t *testing.T) {
	h := newHarness(t, clConfig(false), authFile(t, fixtureUsers))
	_, run := clSubmit(t, h, "  alice\t", " pass word ")
	assert.Equal(t, "/usr/local/bin/check", run.Command, "the command is normalized")
	assert.Equal(t, []string{"--realm", "home"}, run.Args)
	assert.Equal(t, []core.Header{{Name: "username", Value: "alice"}, {Name: "password", Value: " pass word "}}, run.Env,
		"only the stripped username and the password as given")
	assert.Equal(t, 30000, run.TimeoutMillis)

	r := h.request("GET", "/auth/providers", nil)
	assert.JSONEq(t, `{"providers":[{"name":"Command Line Authentication","id":null,"type":"command_line"}],"preselect_remember_me":true}`, string(r.Body))
}

func TestCommandLineLogin(t *testing.T) {
	t.Run("exit 0 without meta", func(t *testing.T) {
		h := newHarness(t, clConfig(false), authFile(t, fixtureUsers))
		id, run := clSubmit(t, h, " bob ", "secret")
		h.step(core.Input{RunDone: &core.RunResult{ID: run.ID, ExitCode: 0, Stdout: []byte("name=Ignored\n")}})
		r := h.mustAnswer(id)
		require.Equal(t, 200, r.Status, "%s", r.Body)
		require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
		r = h.exchange(clientID, r.json(t)["result"].(string))
		require.Equal(t, 200, r.Status, "%s", r.Body)
		assert.Equal(t, "command_line", r.json(t)["ha_auth_provider"])

		u := findUser(t, h, "command_line")
		assert.Nil(t, u["name"], "without meta the output is not read")
		assert.Equal(t, []any{"system-admin"}, u["group_ids"])
		assert.Equal(t, false, u["local_only"])
		cred := findCredential(t, h, "command_line")
		assert.Equal(t, map[string]any{"username": "bob"}, cred["data"])
	})

	t.Run("exit 0 with meta", func(t *testing.T) {
		h := newHarness(t, clConfig(true), authFile(t, fixtureUsers))
		id, run := clSubmit(t, h, "carol", "secret")
		out := "# a comment=ignored\r\n  name = Carol Smith \r\ngroup=system-users\nlocal_only=true\nunknown=x\nnot a pair\n"
		h.step(core.Input{RunDone: &core.RunResult{ID: run.ID, Stdout: []byte(out)}})
		r := h.mustAnswer(id)
		require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
		r = h.exchange(clientID, r.json(t)["result"].(string))
		// The new user is local only; this request is local.
		require.Equal(t, 200, r.Status, "%s", r.Body)
		u := findUser(t, h, "command_line")
		assert.Equal(t, "Carol Smith", u["name"])
		assert.Equal(t, []any{"system-users"}, u["group_ids"])
		assert.Equal(t, true, u["local_only"])

		// The second login finds the same credential and user.
		id, run = clSubmit(t, h, "carol", "secret")
		h.step(core.Input{RunDone: &core.RunResult{ID: run.ID, Stdout: []byte("name=Renamed\n")}})
		r = h.mustAnswer(id)
		require.Equal(t, "create_entry", r.json(t)["type"])
		r = h.exchange(clientID, r.json(t)["result"].(string))
		require.Equal(t, 200, r.Status)
		assert.Equal(t, "Carol Smith", findUser(t, h, "command_line")["name"], "meta only shapes a new user")
	})

	t.Run("local_only must be exactly true", func(t *testing.T) {
		h := newHarness(t, clConfig(true), authFile(t, fixtureUsers))
		id, run := clSubmit(t, h, "dave", "secret")
		h.step(core.Input{RunDone: &core.RunResult{ID: run.ID, Stdout: []byte("local_only=True\ngroup=\n")}})
		r := h.mustAnswer(id)
		r = h.exchange(clientID, r.json(t)["result"].(string))
		require.Equal(t, 200, r.Status)
		u := findUser(t, h, "command_line")
		assert.Equal(t, false, u["local_only"])
		assert.Equal(t, []any{"system-admin"}, u["group_ids"], "an empty group means administrators")
	})

	failures := []struct {
		name   string
		result *core.RunResult // nil: no result before the deadline
		log    string
	}{
		{"exit code 1", &core.RunResult{ExitCode: 1}, "User 'erin' failed to authenticate, command exited with code 1"},
		{"command could not run", &core.RunResult{ExitCode: -1, Error: "fork/exec /usr/local/bin/check: permission denied"}, "Error while authenticating 'erin': fork/exec"},
		{"no answer in time", nil, "Error while authenticating 'erin': the command did not finish in time"},
	}
	for _, c := range failures {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, clConfig(true), authFile(t, fixtureUsers))
			id, run := clSubmit(t, h, "erin", "secret")
			if c.result != nil {
				res := *c.result
				res.ID = run.ID
				h.step(core.Input{RunDone: &res})
			} else {
				h.advance(30*1_000_000 - 1)
				_, answered := h.answer(id)
				require.False(t, answered, "still within the command's time")
				h.advance(1)
			}
			r := h.mustAnswer(id)
			require.Equal(t, 200, r.Status)
			m := r.json(t)
			assert.Equal(t, "form", m["type"])
			assert.Equal(t, map[string]any{"base": "invalid_auth"}, m["errors"])
			assert.Equal(t, 1, h.logged(c.log), "log line %q", c.log)
			assert.Equal(t, 1, h.logged(wrongLoginLog), "a failed login")

			// A result after the deadline changes nothing.
			h.step(core.Input{RunDone: &core.RunResult{ID: run.ID}})
			assert.Empty(t, h.effects)
		})
	}
}

func findUser(t *testing.T, h *harness, provider string) map[string]any {
	t.Helper()
	v, cerr := h.call(core.OpListUsers, nil)
	require.Nil(t, cerr)
	var users []map[string]any
	require.NoError(t, json.Unmarshal(v, &users))
	for _, u := range users {
		for _, c := range u["credentials"].([]any) {
			if c.(map[string]any)["type"] == provider {
				return u
			}
		}
	}
	t.Fatalf("no user with a %s credential", provider)
	return nil
}

func findCredential(t *testing.T, h *harness, provider string) map[string]any {
	t.Helper()
	for _, c := range h.storedAuth()["credentials"].([]any) {
		if c.(map[string]any)["auth_provider_type"] == provider {
			return c.(map[string]any)
		}
	}
	t.Fatalf("no %s credential", provider)
	return nil
}

func TestCommandLineConfig(t *testing.T) {
	cfg := testConfig()
	cfg.Providers = []core.ProviderConfig{{Type: "command_line"}}
	_, err := core.New(cfg, [32]byte{})
	var ce *core.ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "homeassistant.auth_providers[0].command", ce.Key)
}
