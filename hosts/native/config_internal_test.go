package native

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/hassauth/hassauth/core"
)

const configTestdata = "testdata/config"

func parseTestConfig(t testing.TB, path string) (core.Config, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	secrets := filepath.Join(configTestdata, SecretsFile)
	return parseConfig(path, b, secrets, func() ([]byte, error) { return os.ReadFile(secrets) })
}

// parseTestYAML reads a configuration without the core's checks.
func parseTestYAML(t testing.TB, path string) (core.Config, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	secrets := filepath.Join(configTestdata, SecretsFile)
	p := &configParser{file: path, secretsPath: secrets, readSecrets: func() ([]byte, error) { return os.ReadFile(secrets) },
		lines: map[string]int{}, secretLines: map[*yaml.Node]int{}}
	return p.parse(b)
}

func sp(s string) *string { return &s }
func ip(i int) *int       { return &i }
func bp(b bool) *bool     { return &b }

// The configurations in testdata/config/ok and what they give the core.
var okConfigs = map[string]core.Config{
	"full.yaml": {
		Providers: []core.ProviderConfig{
			{Type: "homeassistant"},
			{Type: "trusted_networks", Name: sp("Home network"), TrustedNetworks: []string{"192.168.0.0/24", "fd00::/8"},
				TrustedUsers: []core.TrustedUsers{
					{Network: "192.168.0.10", Users: []core.TrustedUser{{UserID: "a1ab982744b64757bf80515589258924"}}},
					{Network: "192.168.0.0/24", Users: []core.TrustedUser{{UserID: "b2bc093855c54868a091626690369035"}, {Group: "system-users"}}},
				},
				AllowBypassLogin: true},
			{Type: "command_line", ID: sp("ldap"), Command: "/usr/local/bin//check.sh", Args: []string{"--realm", "home"}, Meta: true},
		},
		MFAModules: []core.MFAModuleConfig{
			{Type: "totp", Name: sp("Authenticator app")},
		},
		HTTP: core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"172.30.32.0/23", "fd00::1"}, IPBanEnabled: bp(true),
			LoginAttemptsThreshold: ip(5), CORSAllowedOrigins: []string{"https://frontend.example"}},
		URLs: []string{"http://homeassistant.local:8123", "https://ha.example.com"},
	},
	"empty-sections.yaml": {},
	"notify.yaml": {MFAModules: []core.MFAModuleConfig{
		{Type: "notify", ID: "sms", Include: []string{"notify.mobile"}, Exclude: []string{"notify.tv"}, Message: sp("{} is your code")},
	}},
	"single-provider.yaml": {Providers: []core.ProviderConfig{{Type: "homeassistant"}}, MFAModules: []core.MFAModuleConfig{}},
	"yaml11.yaml": {HTTP: core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"127.0.0.1"}, IPBanEnabled: bp(false),
		LoginAttemptsThreshold: ip(16)}},
	"threshold-string.yaml":    {HTTP: core.HTTPConfig{LoginAttemptsThreshold: ip(0)}},
	"threshold-minus-one.yaml": {HTTP: core.HTTPConfig{LoginAttemptsThreshold: ip(-1)}},
	"anchors.yaml": {
		Providers: []core.ProviderConfig{
			{Type: "trusted_networks", ID: sp("first"), TrustedNetworks: []string{"10.0.0.0/8"}},
			{Type: "trusted_networks", ID: sp("second"), TrustedNetworks: []string{"192.168.1.0/24"}},
		},
		HTTP: core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"10.0.0.0/8"}},
	},
	"args-null.yaml": {Providers: []core.ProviderConfig{{Type: "command_line", Command: "./check.sh", Args: []string{}}}},
}

func TestLoadConfigValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(configTestdata, "ok", "*.yaml"))
	require.NoError(t, err)
	require.Len(t, files, len(okConfigs), "every file has its expectation")
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := okConfigs[name]
			require.True(t, ok, "no expectation for %s", name)
			got, err := parseTestYAML(t, path)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			_, err = core.New(got, [32]byte{})
			if err != nil && err.Error() == `homeassistant.auth_mfa_modules[0].type: unknown multi-factor auth module type "notify"` {
				// The notify module's keys are read here; the module itself
				// belongs to the core.
				return
			}
			assert.NoError(t, err, "the core takes it")
		})
	}
}

// Each file in testdata/config/errors starts with "# want: <key>: <message>"
// and "# line: <n>" when the line is known.
func TestLoadConfigErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(configTestdata, "errors", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			var want, line string
			sc := bufio.NewScanner(bytes.NewReader(b))
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "# want: "); ok {
					want = v
				}
				if v, ok := strings.CutPrefix(sc.Text(), "# line: "); ok {
					line = v
				}
			}
			require.NotEmpty(t, want, "the file says what it expects")
			_, err = parseTestConfig(t, path)
			var ce *ConfigError
			require.True(t, errors.As(err, &ce), "error %v", err)
			assert.Equal(t, path, ce.File)
			assert.Equal(t, want, ce.Key+": "+ce.Msg)
			if line != "" {
				assert.Equal(t, line, strconv.Itoa(ce.Line))
			}
		})
	}
}

func TestLoadConfigFiles(t *testing.T) {
	t.Run("no file", func(t *testing.T) {
		cfg, err := LoadConfig(t.TempDir())
		require.NoError(t, err)
		assert.Equal(t, core.Config{}, cfg)
	})
	t.Run("secrets beside the file", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFile), []byte("http:\n  login_attempts_threshold: !secret tries\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, SecretsFile), []byte("tries: 3\n"), 0o600))
		cfg, err := LoadConfig(dir)
		require.NoError(t, err)
		assert.Equal(t, ip(3), cfg.HTTP.LoginAttemptsThreshold)
	})
	t.Run("no secrets file", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFile), []byte("http:\n  ip_ban_enabled: !secret ban\n"), 0o600))
		_, err := LoadConfig(dir)
		assert.EqualError(t, err, filepath.Join(dir, ConfigFile)+":2: http.ip_ban_enabled: Secret ban not defined")
	})
	t.Run("secrets file not YAML", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ConfigFile), []byte("http:\n  ip_ban_enabled: !secret ban\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, SecretsFile), []byte("ban: [\n"), 0o600))
		_, err := LoadConfig(dir)
		var ce *ConfigError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, filepath.Join(dir, SecretsFile), ce.File)
	})
}

func TestYAML11Kind(t *testing.T) {
	cases := map[string]pyKind{
		"yes": pyBool, "No": pyBool, "OFF": pyBool, "y": pyStr, "TRUE": pyBool, "tRUE": pyStr,
		"12": pyInt, "-0x1F": pyInt, "0b101": pyInt, "017": pyInt, "1_000": pyInt, "1:30": pyInt, "1:60": pyStr,
		"1.5": pyFloat, ".5": pyFloat, "1e3": pyStr, "1.0e+3": pyFloat, ".inf": pyFloat, ".NaN": pyFloat, "1:30.5": pyFloat,
		"": pyNone, "~": pyNone, "null": pyNone, "NULL": pyNone, "nil": pyStr,
		"2026-09-01": pyTimestamp, "2026-09-01 10:00:00": pyTimestamp, "2026-9-1T10:00:00.5Z": pyTimestamp,
		"192.168.0.1": pyStr, "fd00::1": pyStr, "10.0.0.0/8": pyStr, "1:2:3:4:5:6:7:8": pyInt,
	}
	for s, want := range cases {
		assert.Equal(t, want, yaml11Kind(s), "%q", s)
	}
}

func TestPyInt64(t *testing.T) {
	cases := map[string]int64{"12": 12, "-12": -12, "+0x1f": 31, "0b1_01": 5, "017": 15, "1_000": 1000, "1:30": 90, "-1:00:01": -3601, "0": 0}
	for s, want := range cases {
		v, ok := pyInt64(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, v, s)
	}
}

// FuzzParseConfig feeds arbitrary configuration.yaml and secrets.yaml text:
// the loader never panics and fails only with a ConfigError or a read
// error.
func FuzzParseConfig(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(configTestdata, "*", "*.yaml"))
	secrets, _ := os.ReadFile(filepath.Join(configTestdata, SecretsFile))
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		f.Add(b, secrets)
	}
	f.Add([]byte("a: &a [*a]\n"), []byte(nil))
	f.Add([]byte("homeassistant: {<<: [*x]}\n"), []byte(nil))
	f.Add([]byte("http: !secret h\n"), []byte("h: !secret h\n"))
	f.Fuzz(func(t *testing.T, config, secrets []byte) {
		cfg, err := parseConfig("configuration.yaml", config, "secrets.yaml", func() ([]byte, error) { return secrets, nil })
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if _, err := core.New(cfg, [32]byte{}); err != nil {
			t.Fatalf("accepted a configuration the core refuses: %v", err)
		}
	})
}
