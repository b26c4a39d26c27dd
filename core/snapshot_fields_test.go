package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/hassauth/hassauth/core/authstore"
)

// snapshotCoverage says, for each struct that makes up a core's state, how
// snapshot.go handles every field. TestSnapshotCoversEveryField fails when a
// struct gains a field missing here: whoever adds state must decide how it
// survives a restore (write it in AppendSnapshot and read it in restore, or
// say why it need not be written) and record the decision in this table.
var snapshotCoverage = map[reflect.Type]map[string]string{
	reflect.TypeFor[Core](): {
		"cfg":       "not written: Restore is given the configuration and checks its digest",
		"rng":       "rng (MarshalBinary)",
		"now":       "now",
		"loaded":    "loaded",
		"store":     "auth, through core/storage's .storage/auth codec",
		"providers": "rebuilt from the configuration; state of stateful ones in providers",
		"mfa":       "rebuilt from the configuration; state of stateful ones in mfa",
		"flows":     "flows",
		"conns":     "conns",
		"codes":     "codes",
		"pending":   "not written: continuations are code (see pending.go)",
		"nextID":    "next_id",
		"timers":    "timers",
		"saves":     "saves",
		"forwarded": "rebuilt from the configuration",
		"bans":      "bans",
		"haUsers":   "ha_users",
		"out":       "not written: the effects of the step in progress",

		"mfaSetups":   "mfa_setups",
		"journalUsed": "journal_used",
		"signKey":     "sign_key (jwt.Key.MarshalBinary)",
		"externalKey": "external_key (jwt.Key.MarshalBinary)",
		"jwtScratch":  "not written: scratch space that every access-token check overwrites",
	},
	reflect.TypeFor[mfaSetupFlow](): {
		"ID": "id", "ModuleID": "module_id", "UserID": "user_id", "StepID": "step_id",
		"Form":    "has_form; rebuilt from the module and step by rebuildSetupForm",
		"Touched": "touched",
		"Busy":    "not written: only true while a continuation waits",
		"Secret":  "secret", "URL": "url", "QRCode": "qr_code", "Counter": "counter",
		"Service": "service", "Target": "target", "CodeError": "code_error",
	},
	reflect.TypeFor[loginFlow](): {
		"ID": "id", "Handler": "handler", "CreatedAt": "created_at", "IP": "ip",
		"CredentialOnly": "credential_only", "RedirectURI": "redirect_uri", "Challenge": "challenge",
		"StepID": "step_id", "Form": "has_form; rebuilt from the step by rebuildForm",
		"Busy":        "not written: only true while a continuation waits, and continuations are not restored",
		"UnknownUser": "unknown_user", "UserID": "user_id", "Credential": "credential",
		"AvailableMFA": "available_mfa", "MFAModule": "mfa_module", "InvalidMFATimes": "invalid_mfa_times",
		"Scratch": "scratch",
	},
	reflect.TypeFor[authstore.Credential](): {
		"ID": "id", "UserID": "user_id", "ProviderType": "type", "ProviderID": "provider_id",
		"Data": "data", "IsNew": "is_new",
	},
	reflect.TypeFor[authCode](): {"Created": "created", "Credential": "credential", "Challenge": "challenge"},
	reflect.TypeFor[codeKey]():  {"ClientID": "client_id", "Code": "code"},
	reflect.TypeFor[wsConn](): {
		"ID": "id", "IP": "ip", "Authed": "authed", "UserID": "user_id", "TokenID": "token_id", "LastID": "last_id",
		"userAgent": "user_agent",
	},
	reflect.TypeFor[timers]():    {"list": "timers.list", "seq": "timers.seq"},
	reflect.TypeFor[timer]():     {"At": "[0]", "Kind": "[1]", "Key": "[2]", "Seq": "[3]"},
	reflect.TypeFor[saveState](): {"since": "saves"},
	reflect.TypeFor[bans]():      {"failed": "bans.failed", "banned": "bans.banned"},
	reflect.TypeFor[haUser]():    {"Username": "[0]", "Password": "[1]"},
	reflect.TypeFor[drbg]():      {"c": "rng"},

	// Providers and modules: configuration is rebuilt, state is written
	// by appendState.
	reflect.TypeFor[providerBase]():          {"k": "config", "title": "config", "mfa": "config"},
	reflect.TypeFor[homeAssistantProvider](): {"providerBase": "config"},
	reflect.TypeFor[exampleProvider]():       {"providerBase": "config", "users": "config"},
	reflect.TypeFor[mfaBase]():               {"moduleID": "config", "title": "config", "retries": "config"},
	reflect.TypeFor[mfaTOTP]():               {"mfaBase": "config", "secrets": "appendState", "order": "appendState"},
	reflect.TypeFor[mfaExample]():            {"mfaBase": "config", "data": "appendState (setup changes it)"},
	reflect.TypeFor[mfaNotify](): {"mfaBase": "config", "include": "config", "exclude": "config", "message": "config",
		"users": "appendState", "order": "appendState"},
	reflect.TypeFor[notifySetting]():           {"service": "appendState", "target": "appendState"},
	reflect.TypeFor[trustedNetworksProvider](): {"providerBase": "config", "networks": "config", "rules": "config", "bypass": "config"},
	reflect.TypeFor[commandLineProvider](): {"providerBase": "config", "command": "config", "args": "config", "useMeta": "config",
		"userMeta": "appendState (memory only in Home Assistant too, but a restore is not a restart)"},
	reflect.TypeFor[commandMeta](): {"name": "appendState", "group": "appendState", "localOnly": "appendState"},
}

func TestSnapshotCoversEveryField(t *testing.T) {
	for typ, covered := range snapshotCoverage {
		t.Run(typ.Name(), func(t *testing.T) {
			var names []string
			for f := range typ.Fields() {
				names = append(names, f.Name)
				if _, ok := covered[f.Name]; !ok {
					t.Errorf("%s.%s is not covered by the snapshot: handle it in snapshot.go and list it in snapshotCoverage", typ.Name(), f.Name)
				}
			}
			for name := range covered {
				if !slices.Contains(names, name) {
					t.Errorf("snapshotCoverage lists %s.%s, which no longer exists", typ.Name(), name)
				}
			}
		})
	}
}

// samples has a configuration for each provider and module type that
// configure.go knows, so that the test below can check their fields.
var (
	providerSamples = map[string]ProviderConfig{
		"homeassistant":    {Type: "homeassistant"},
		"insecure_example": {Type: "insecure_example", Users: []ExampleUser{}},
		"trusted_networks": {Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.0/24"}},
		"command_line":     {Type: "command_line", Command: "/bin/true"},
	}
	mfaSamples = map[string]MFAModuleConfig{
		"totp":             {Type: "totp"},
		"insecure_example": {Type: "insecure_example", Data: []ExamplePIN{}},
		"notify":           {Type: "notify"},
	}
)

// TestSnapshotCoversEveryType checks that every provider and module type in
// configure.go's switches has a sample above and that its concrete type is
// in snapshotCoverage, so that a new type's state cannot be forgotten.
func TestSnapshotCoversEveryType(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "configure.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string][]string{}
	ast.Inspect(file, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || (fn.Name.Name != "newProvider" && fn.Name.Name != "newMFAModule") {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if cc, ok := n.(*ast.CaseClause); ok {
				for _, e := range cc.List {
					if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						types[fn.Name.Name] = append(types[fn.Name.Name], s)
					}
				}
			}
			return true
		})
		return false
	})
	if len(types["newProvider"]) == 0 || len(types["newMFAModule"]) == 0 {
		t.Fatal("found no provider or module types in configure.go")
	}
	for _, typ := range types["newProvider"] {
		pc, ok := providerSamples[typ]
		if !ok {
			t.Errorf("provider type %q has no sample in providerSamples", typ)
			continue
		}
		c, err := New(Config{Providers: []ProviderConfig{pc}}, [32]byte{})
		if err != nil {
			t.Errorf("provider %q: %v", typ, err)
			continue
		}
		if rt := reflect.TypeOf(c.providers[0]).Elem(); snapshotCoverage[rt] == nil {
			t.Errorf("provider type %q (%s) is not in snapshotCoverage", typ, rt)
		}
	}
	for _, typ := range types["newMFAModule"] {
		mc, ok := mfaSamples[typ]
		if !ok {
			t.Errorf("module type %q has no sample in mfaSamples", typ)
			continue
		}
		c, err := New(Config{MFAModules: []MFAModuleConfig{mc}}, [32]byte{})
		if err != nil {
			t.Errorf("module %q: %v", typ, err)
			continue
		}
		if rt := reflect.TypeOf(c.mfa[0]).Elem(); snapshotCoverage[rt] == nil {
			t.Errorf("module type %q (%s) is not in snapshotCoverage", typ, rt)
		}
	}
}
