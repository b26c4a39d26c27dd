package core_test

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// fill sets every field reachable from v to a non-zero value, with one
// element in each slice, so that a field the codec forgets shows up as a
// difference after the round trip.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), n)
		fill(s.Index(1), n)
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// TestConfigWireRoundTrip checks that every Config field crosses the wire:
// it fails when Config gains a field that wire_config.go does not write.
func TestConfigWireRoundTrip(t *testing.T) {
	var cfg core.Config
	n := 0
	fill(reflect.ValueOf(&cfg).Elem(), &n)
	// A trusted user is a user id or a group, never both.
	for i := range cfg.Providers {
		for j := range cfg.Providers[i].TrustedUsers {
			us := cfg.Providers[i].TrustedUsers[j].Users
			us[0].Group = ""
			us[1].UserID = ""
		}
	}
	b := core.AppendConfig(nil, cfg)
	got, err := core.ParseConfig(b)
	require.NoError(t, err, "%s", b)
	assert.Equal(t, cfg, got)
	assert.Equal(t, string(b), string(core.AppendConfig(nil, got)))
}

func TestConfigWireDistinguishesDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  core.Config
		wire string
	}{
		{"empty means defaults", core.Config{}, `{}`},
		{"no MFA modules", core.Config{MFAModules: []core.MFAModuleConfig{}}, `{"auth_mfa_modules":[]}`},
		{"insecure_example needs users", core.Config{Providers: []core.ProviderConfig{{Type: "insecure_example", Users: []core.ExampleUser{}}}},
			`{"auth_providers":[{"type":"insecure_example","users":[]}]}`},
		{"ban settings", core.Config{HTTP: core.HTTPConfig{IPBanEnabled: new(false), LoginAttemptsThreshold: new(3)}},
			`{"http":{"ip_ban_enabled":false,"login_attempts_threshold":3}}`},
		{"trusted users", core.Config{Providers: []core.ProviderConfig{{Type: "trusted_networks",
			TrustedNetworks: []string{"192.168.0.0/24"},
			TrustedUsers:    []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: "u1"}, {Group: "system-users"}}}}}}},
			`{"auth_providers":[{"type":"trusted_networks","trusted_networks":["192.168.0.0/24"],"trusted_users":[{"network":"192.168.0.1","users":[{"user_id":"u1"},{"group":"system-users"}]}]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.wire, string(core.AppendConfig(nil, tc.cfg)))
			got, err := core.ParseConfig([]byte(tc.wire))
			require.NoError(t, err)
			assert.Equal(t, tc.cfg, got)
		})
	}
}

func TestParseConfigRejects(t *testing.T) {
	for _, wire := range []string{
		`[]`,
		`{"auth_provider":[]}`,
		`{"auth_providers":[{"type":"homeassistant","idd":"x"}]}`,
		`{"http":{"login_attempts_threshold":"3"}}`,
		`{"auth_providers":{}}`,
		`{"auth_providers":[{"type":"trusted_networks","trusted_users":[{"network":"n","users":[1]}]}]}`,
		`{"bcrypt_cost":1.5}`,
	} {
		_, err := core.ParseConfig([]byte(wire))
		assert.Error(t, err, wire)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"ha_version":"2026.9.1","auth_providers":[{"type":"homeassistant"},{"type":"insecure_example","id":"x","users":[{"username":"a","password":"b","name":"A"}]}],"auth_mfa_modules":[{"type":"insecure_example","data":[{"user_id":"u","pin":"1"}]}],"http":{"use_x_forwarded_for":true,"trusted_proxies":["10.0.0.0/8"],"ip_ban_enabled":true,"login_attempts_threshold":3},"bcrypt_cost":4}`))
	f.Add([]byte(`{"auth_providers":[{"type":"trusted_networks","trusted_users":[{"network":"192.168.0.1","users":[{"user_id":"u"},{"group":"g"}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg, err := core.ParseConfig(b)
		if err != nil {
			return
		}
		// What parses must survive its own round trip.
		again, err := core.ParseConfig(core.AppendConfig(nil, cfg))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("round trip changed %+v into %+v", cfg, again)
		}
	})
}
