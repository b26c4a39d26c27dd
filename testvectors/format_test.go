package testvectors_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors"
)

func ptr[T any](v T) *T { return &v }

// fullConfig sets every field the JSON form carries.
func fullConfig() core.Config {
	return core.Config{
		HAVersion: "2026.9.1",
		Providers: []core.ProviderConfig{
			{Type: "homeassistant", Name: ptr("Local")},
			{Type: "insecure_example", ID: ptr("2nd"), Users: []core.ExampleUser{{Username: "u", Password: "p", Name: ptr("N")}}},
			{Type: "insecure_example", Users: []core.ExampleUser{}},
			{Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.0/24"}, AllowBypassLogin: true,
				TrustedUsers: []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: "a"}, {Group: "system-users"}}}}},
			{Type: "command_line", Command: "/bin/auth", Args: []string{"-x"}, Meta: true},
		},
		MFAModules: []core.MFAModuleConfig{
			{Type: "totp", ID: "totp", Name: ptr("Authenticator app")},
			{Type: "insecure_example", Data: []core.ExamplePIN{{UserID: "a", PIN: "1"}}},
			{Type: "insecure_example", ID: "empty", Data: []core.ExamplePIN{}},
			{Type: "notify", Include: []string{"a"}, Exclude: []string{"b"}, Message: ptr("{} <code>")},
		},
		HTTP: core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"10.0.0.0/8"}, IPBanEnabled: ptr(false),
			LoginAttemptsThreshold: ptr(3), CORSAllowedOrigins: []string{"https://a.example"}},
		BcryptCost:     4,
		URLs:           []string{"http://h:8123"},
		NotifyServices: []string{"mobile_app_phone", "a"},
	}
}

func TestConfigRoundTrip(t *testing.T) {
	for name, cfg := range map[string]core.Config{
		"default":    {},
		"full":       fullConfig(),
		"no modules": {MFAModules: []core.MFAModuleConfig{}},
	} {
		t.Run(name, func(t *testing.T) {
			b := testvectors.EncodeConfig(cfg)
			back, err := testvectors.DecodeConfig(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, cfg) {
				t.Fatalf("round trip changed the configuration:\n got  %#v\n want %#v", back, cfg)
			}
			if !bytes.Equal(testvectors.EncodeConfig(back), b) {
				t.Fatal("encoding is not stable")
			}
		})
	}
}

// TestConfigKeepsModuleDefaults: a nil module list (Home Assistant's
// default totp) and an empty one (no MFA) must stay distinct.
func TestConfigKeepsModuleDefaults(t *testing.T) {
	if a, b := testvectors.EncodeConfig(core.Config{}), testvectors.EncodeConfig(core.Config{MFAModules: []core.MFAModuleConfig{}}); bytes.Equal(a, b) {
		t.Fatalf("both encode as %s", a)
	}
	if got := string(testvectors.EncodeConfig(core.Config{HTTP: core.HTTPConfig{CORSAllowedOrigins: []string{"<&>"}}})); !strings.Contains(got, "<&>") {
		t.Fatalf("HTML escaping in %s", got)
	}
}

func TestDecodeConfigRejects(t *testing.T) {
	for name, in := range map[string]string{
		"unknown key":       `{"bcrypt_cost":4,"colour":"red"}`,
		"unknown http key":  `{"http":{"server_port":8123}}`,
		"wrong type":        `{"bcrypt_cost":"4"}`,
		"not an object":     `[]`,
		"provider typo key": `{"auth_providers":[{"type":"homeassistant","idd":"x"}]}`,
	} {
		if _, err := testvectors.DecodeConfig([]byte(in)); err == nil {
			t.Errorf("%s: %s was accepted", name, in)
		}
	}
}

// TestReadRejects edits a real file in the ways Read must catch.
func TestReadRejects(t *testing.T) {
	orig, err := os.ReadFile("http.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testvectors.Read(orig); err != nil {
		t.Fatalf("the file itself: %v", err)
	}
	for name, edit := range map[string]func(string) string{
		"count":  func(s string) string { return strings.Replace(s, `"numberOfTests": 31`, `"numberOfTests": 30`, 1) },
		"schema": func(s string) string { return strings.Replace(s, SchemaQuoted, `"v0"`, 1) },
		"unknown key": func(s string) string {
			return strings.Replace(s, `"suite": "http",`, `"suite": "http", "extra": 1,`, 1)
		},
		"flag":   func(s string) string { return strings.Replace(s, `"flags": ["Cors"]`, `"flags": ["Nope"]`, 1) },
		"result": func(s string) string { return strings.Replace(s, `"result": "valid"`, `"result": "maybe"`, 1) },
		"tcId":   func(s string) string { return strings.Replace(s, `"tcId": 2,`, `"tcId": 1,`, 1) },
		"now":    func(s string) string { return strings.Replace(s, `"now": 1788256800000000,`, `"now": 1,`, 1) },
		"seed":   func(s string) string { return strings.Replace(s, `"seed": "`, `"seed": "zz`, 1) },
	} {
		b := []byte(edit(string(orig)))
		if bytes.Equal(b, orig) {
			t.Fatalf("%s: the edit did not apply", name)
		}
		if _, err := testvectors.Read(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// SchemaQuoted is how the schema name appears in a file.
const SchemaQuoted = `"` + testvectors.SchemaName + `"`

// TestEncodeRoundTrip: reading a file and encoding it again gives the same
// bytes, so inputs and outputs are carried exactly.
func TestEncodeRoundTrip(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		want, err := os.ReadFile(f.Suite + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if got := testvectors.Encode(f); !bytes.Equal(got, want) {
			t.Errorf("%s: Encode(Read(file)) differs from the file", f.Suite)
		}
	}
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add(testvectors.EncodeConfig(fullConfig()))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"auth_mfa_modules":[]}`))
	f.Add([]byte(`{"http":{"login_attempts_threshold":-1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := testvectors.DecodeConfig(b)
		if err != nil {
			return
		}
		again, err := testvectors.DecodeConfig(testvectors.EncodeConfig(cfg))
		if err != nil {
			t.Fatalf("re-decoding %s: %v", testvectors.EncodeConfig(cfg), err)
		}
		if !bytes.Equal(testvectors.EncodeConfig(again), testvectors.EncodeConfig(cfg)) {
			t.Fatal("encoding is not stable")
		}
	})
}

func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("lifecycle.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"schema":"vectors_schema_v1.json","suite":"x","numberOfTests":0,"header":[],"notes":{},"testGroups":[]}`))
	f.Add([]byte(`{"schema":"vectors_schema_v1.json","suite":"x","numberOfTests":1,"header":[],"notes":{},"testGroups":[{"config":{},"seed":"` +
		strings.Repeat("00", 32) + `","start":0,"files":null,"tests":[{"tcId":1,"comment":"","flags":[],"spec":"§1","expect":"","steps":[{"now":0,"input":{"now":0,"tick":{}},"output":{"effects":[]}}],"result":"valid"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := testvectors.Read(b)
		if err != nil {
			return
		}
		again, err := testvectors.Read(testvectors.Encode(file))
		if err != nil {
			t.Fatalf("re-reading: %v", err)
		}
		if !bytes.Equal(testvectors.Encode(again), testvectors.Encode(file)) {
			t.Fatal("encoding is not stable")
		}
	})
}
