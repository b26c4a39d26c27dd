package schema

import (
	"errors"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/core/orjson"
)

// The reply bodies below follow spec §7 (general rules), §7.3, §7.4 and
// §10.1: the texts after the prefixes come from voluptuous, checked against
// it in voluptuous_cases.json; here they are pinned at the level a client
// sees them.

func TestLoginFlowCreate(t *testing.T) {
	t.Run("LF-16/valid_body_gets_default_type", func(t *testing.T) {
		in := mustParse(`{"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"https://example.com/app/cb"}`)
		out, err := LoginFlowCreate.Validate(in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(orjson.Marshal(out)), `{"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"https://example.com/app/cb","type":"authorize"}`; got != want {
			t.Errorf("output %s, want %s", got, want)
		}
	})
	for _, c := range []struct{ name, body, reply string }{
		{"LF-16/missing_redirect_uri", `{"client_id":"c","handler":["homeassistant",null]}`,
			"Message format incorrect: required key not provided @ data['redirect_uri']"},
		{"LF-16/handler_of_one_item", `{"client_id":"c","handler":["homeassistant"],"redirect_uri":"r"}`,
			"Message format incorrect: length of value must be at least 2 for dictionary value @ data['handler']"},
		{"LF-16/handler_item_not_str_or_null", `{"client_id":"c","handler":["homeassistant",1],"redirect_uri":"r"}`,
			"Message format incorrect: expected str @ data['handler'][1]"},
		{"LF-16/handler_not_a_list", `{"client_id":"c","handler":"homeassistant","redirect_uri":"r"}`,
			"Message format incorrect: expected a list for dictionary value @ data['handler']"},
		{"pkce_keys_rejected_before_2026.10", `{"client_id":"c","handler":["homeassistant",null],"redirect_uri":"r","code_challenge":"x","code_challenge_method":"S256"}`,
			"Message format incorrect: extra keys not allowed @ data['code_challenge']"},
		{"first_error_in_input_order", `{"bogus":1,"client_id":5,"handler":["homeassistant",null],"redirect_uri":"r"}`,
			"Message format incorrect: extra keys not allowed @ data['bogus']"},
		{"body_not_an_object", `["client_id"]`, "Message format incorrect: expected a dictionary"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoginFlowCreate.Validate(mustParse(c.body))
			if err == nil {
				t.Fatal("body accepted")
			}
			if got := HTTPErrorPrefix + err.Message(); got != c.reply {
				t.Errorf("reply %q, want %q", got, c.reply)
			}
		})
	}
}

func TestLoginFlowStep(t *testing.T) {
	t.Run("extra_keys_are_the_step_input", func(t *testing.T) {
		out, err := LoginFlowStep.Validate(mustParse(`{"username":"u","client_id":"c","password":"p"}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(orjson.Marshal(out)); got != `{"username":"u","client_id":"c","password":"p"}` {
			t.Errorf("output %s", got)
		}
	})
	t.Run("missing_client_id", func(t *testing.T) {
		_, err := LoginFlowStep.Validate(mustParse(`{"username":"u","password":"p"}`))
		if err == nil || err.Message() != "required key not provided @ data['client_id']" {
			t.Fatalf("got %v", err)
		}
	})
	// LF-17: the step's own form schema decides "User input malformed".
	for _, c := range []struct {
		name  string
		input string
		ok    bool
	}{
		{"LF-17/good_credentials_shape", `{"username":"u","password":"p"}`, true},
		{"LF-17/password_missing", `{"username":"u"}`, false},
		{"LF-17/password_not_str", `{"username":"u","password":1234}`, false},
		{"LF-17/unknown_key", `{"username":"u","password":"p","remember_me":true}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := HomeAssistantLogin.Validate(mustParse(c.input))
			if (err == nil) != c.ok {
				t.Errorf("Validate(%s) error %v, want ok=%v", c.input, err, c.ok)
			}
		})
	}
}

func TestWSAuth(t *testing.T) {
	t.Run("WSA-03/api_password_passes_the_schema", func(t *testing.T) {
		if _, err := WSAuth.Validate(mustParse(`{"type":"auth","api_password":"wrong"}`)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("WSA-05/call_service_payload", func(t *testing.T) {
		in := mustParse(`{"id":5,"type":"call_service","domain":"domain_test","service":"test_service","service_data":{"hello":"world"}}`)
		_, err := WSAuth.Validate(in)
		if err == nil {
			t.Fatal("accepted")
		}
		got := WSAuthErrorPrefix + err.Humanized(in)
		want := "Auth message incorrectly formatted: " +
			"extra keys not allowed @ data['domain']. Got 'domain_test'\n" +
			"extra keys not allowed @ data['id']. Got 5\n" +
			"extra keys not allowed @ data['service']. Got 'test_service'\n" +
			"extra keys not allowed @ data['service_data']. Got {'hello': 'world'}\n" +
			"not a valid value for dictionary value @ data['type']. Got 'call_service'"
		if got != want {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
	t.Run("token_and_password_together", func(t *testing.T) {
		in := mustParse(`{"type":"auth","access_token":"a","api_password":"b"}`)
		_, err := WSAuth.Validate(in)
		if err == nil {
			t.Fatal("accepted")
		}
		if got, want := err.Humanized(in), "two or more values in the same group of exclusion 'auth' @ data[<auth>]. Got None"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestCommandHeader(t *testing.T) {
	for _, c := range []struct {
		msg    string
		id     int64
		typ    string
		ok     bool
		echoID string
	}{
		{`{"id":5,"type":"ping"}`, 5, "ping", true, "5"},
		{`{"type":"ping","id":9223372036854775807}`, 9223372036854775807, "ping", true, "9223372036854775807"},
		{`{"id":0,"type":"ping"}`, 0, "", false, "0"},
		{`{"id":-0,"type":"ping"}`, 0, "", false, "-0"},
		{`{"id":-3,"type":"ping"}`, 0, "", false, "-3"},
		{`{"id":true,"type":"ping"}`, 0, "", false, "true"},
		{`{"id":1.0,"type":"ping"}`, 0, "", false, "1.0"},
		{`{"id":"1","type":"ping"}`, 0, "", false, `"1"`},
		{`{"type":"ping"}`, 0, "", false, "null"},
		{`{"id":null,"type":"ping"}`, 0, "", false, "null"},
		{`{"id":1}`, 0, "", false, "1"},
		{`{"id":1,"type":""}`, 0, "", false, "1"},
		{`{"id":1,"type":5}`, 0, "", false, "1"},
		{`{"id":1,"type":["ping"]}`, 0, "", false, "1"},
		{`[{"id":1,"type":"ping"}]`, 0, "", false, "0"},
		{`"ping"`, 0, "", false, "0"},
	} {
		msg := mustParse(c.msg)
		id, typ, ok := CommandHeader(msg)
		if id != c.id || typ != c.typ || ok != c.ok {
			t.Errorf("CommandHeader(%s) = %d, %q, %v; want %d, %q, %v", c.msg, id, typ, ok, c.id, c.typ, c.ok)
		}
		if !ok {
			if got := string(orjson.Marshal(MalformedCommandID(msg))); got != c.echoID {
				t.Errorf("MalformedCommandID(%s) = %s, want %s", c.msg, got, c.echoID)
			}
		}
	}
}

func TestCheckBareCommand(t *testing.T) {
	// WS-01: auth/current_user takes no other key.
	if err := CheckBareCommand(mustParse(`{"id":5,"type":"auth/current_user"}`)); err != nil {
		t.Fatalf("WS-01 message refused: %v", err)
	}
	in := mustParse(`{"id":1,"type":"auth/current_user","x":1}`)
	err := CheckBareCommand(in)
	if err == nil {
		t.Fatal("extra key accepted")
	}
	// The error has no path, so humanize shows the whole message (checked
	// with voluptuous.humanize.humanize_error).
	if got, want := err.Humanized(in), "extra keys not allowed. Got {'id': 1, 'type': 'auth/current_user', 'x': 1}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if err.Message() != "extra keys not allowed" {
		t.Errorf("Message %q", err.Message())
	}
}

func TestAuthCommands(t *testing.T) {
	t.Run("WS-02/long_lived_access_token", func(t *testing.T) {
		out, err := AuthLongLivedAccessToken.Validate(mustParse(`{"id":5,"type":"auth/long_lived_access_token","client_name":"GPS Logger","lifespan":365}`))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := out.Get("lifespan")
		if days, ok := AsInt(v); !ok || days != 365 {
			t.Errorf("lifespan %v %v", days, ok)
		}
	})
	t.Run("lifespan_true_is_one_day_as_in_python", func(t *testing.T) {
		out, err := AuthLongLivedAccessToken.Validate(mustParse(`{"id":5,"type":"auth/long_lived_access_token","client_name":"x","lifespan":true}`))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := out.Get("lifespan")
		if days, ok := AsInt(v); !ok || days != 1 {
			t.Errorf("lifespan %v %v", days, ok)
		}
	})
	t.Run("WS-11/sign_path_expires", func(t *testing.T) {
		for body, want := range map[string]int64{
			`{"id":5,"type":"auth/sign_path","path":"/api/hello","expires":20}`: 20,
			`{"id":5,"type":"auth/sign_path","path":"/api/hello"}`:              30,
		} {
			out, err := AuthSignPath.Validate(mustParse(body))
			if err != nil {
				t.Fatal(err)
			}
			v, _ := out.Get("expires")
			if got, _ := AsInt(v); got != want {
				t.Errorf("%s: expires %d, want %d", body, got, want)
			}
		}
	})
	t.Run("WS-06/delete_all_defaults_delete_current_token", func(t *testing.T) {
		out, err := AuthDeleteAllRefreshTokens.Validate(mustParse(`{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":"normal"}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(orjson.Marshal(out)); got != `{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":"normal","delete_current_token":true}` {
			t.Errorf("output %s", got)
		}
	})
	for _, c := range []struct{ name, msg string }{
		{"MFA-01/start_with_module", `{"id":10,"type":"auth/setup_mfa","mfa_module_id":"invalid_module"}`},
		{"MFA-03/continue_flow", `{"id":12,"type":"auth/setup_mfa","flow_id":"f1","user_input":{"pin":"654321"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := AuthSetupMFA.Validate(mustParse(c.msg)); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("setup_mfa_needs_module_or_flow", func(t *testing.T) {
		in := mustParse(`{"id":10,"type":"auth/setup_mfa"}`)
		_, err := AuthSetupMFA.Validate(in)
		if err == nil {
			t.Fatal("accepted")
		}
		if got, want := err.Humanized(in), "must contain at least one of mfa_module_id, flow_id.. Got {'id': 10, 'type': 'auth/setup_mfa'}"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("MFA-05/depose", func(t *testing.T) {
		if _, err := AuthDeposeMFA.Validate(mustParse(`{"id":14,"type":"auth/depose_mfa","mfa_module_id":"example_module"}`)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestForms(t *testing.T) {
	for _, c := range []struct {
		name string
		s    *Schema
		want string
	}{
		{"MFA-02/insecure_example_pin", MFAPin, `[{"type":"string","name":"pin","required":true}]`},
		{"homeassistant_login", HomeAssistantLogin, `[{"type":"string","name":"username","required":true},{"type":"string","name":"password","required":true}]`},
		{"select_mfa_module", SelectMFAModule([]Option{{"totp", "Authenticator app"}}),
			`[{"type":"select","options":[["totp","Authenticator app"]],"name":"multi_factor_auth_module","required":false}]`},
		{"exclusive_marker", &Schema{Fields: []Field{Excl("a", "g", Str)}},
			`[{"type":"string","name":"a","required":false,"exclusive":true}]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := orjson.NewEncoder(nil, false)
			if err := c.s.Serialize(e); err != nil {
				t.Fatal(err)
			}
			if got := string(e.Bytes()); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestSerializeRefuses covers what voluptuous_serialize cannot convert; no
// partial output may be left in the encoder.
func TestSerializeRefuses(t *testing.T) {
	for name, s := range map[string]*Schema{
		"object":                          {Fields: []Field{Key("a", Anything)}},
		"none":                            {Fields: []Field{Key("a", None)}},
		"cv_string":                       {Fields: []Field{Key("a", String)}},
		"list":                            {Fields: []Field{Key("a", List(Str))}},
		"nested_dict":                     {Fields: []Field{Key("a", Dict(&Schema{}))}},
		"any_not_maybe":                   {Fields: []Field{Key("a", AnyOf(Str, None))}},
		"all_with_object":                 {Fields: []Field{Req("ok", Str), Key("a", AllOf(Str, Anything))}},
		"at_least_one":                    {Fields: []Field{Opt("p", Str)}, AtLeastOne: []string{"p"}},
		"command_id_ok_but_setup_mfa_not": AuthSetupMFA,
	} {
		e := orjson.NewEncoder(nil, false)
		if err := s.Serialize(e); !errors.Is(err, ErrUnserializable) {
			t.Errorf("%s: err %v", name, err)
		}
		if len(e.Bytes()) != 0 {
			t.Errorf("%s: wrote %s", name, e.Bytes())
		}
	}
}

// TestDefaultsInFieldOrder pins the one order voluptuous leaves to Python's
// set iteration: several missing defaults are inserted in field order.
func TestDefaultsInFieldOrder(t *testing.T) {
	out, err := testSchemas["Defaults"].Validate(mustParse(`{"d":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(orjson.Marshal(out)); got != `{"d":true,"a":1,"b":"two","c":[1,"x"]}` {
		t.Errorf("output %s", got)
	}
	_, verr := testSchemas["ManyRequired"].Validate(mustParse(`{}`))
	if verr == nil || verr.Message() != "required key not provided @ data['one']" {
		t.Errorf("first missing key: %v", verr)
	}
}

func TestHumanizedTruncation(t *testing.T) {
	s := &Schema{Fields: []Field{Key("k", Int)}}
	for _, c := range []struct {
		n    int
		tail string
	}{
		// repr adds two quotes: 498 characters make exactly 500.
		{498, strings.Repeat("x", 498) + "'"},
		{499, strings.Repeat("x", 496) + "..."},
	} {
		in := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "k", Value: orjson.StringValue(strings.Repeat("x", c.n))}}}
		_, err := s.Validate(in)
		got := err.Humanized(in)
		want := "expected int for dictionary value @ data['k']. Got '" + c.tail
		if got != want {
			t.Errorf("n=%d: got %q, want %q", c.n, got, want)
		}
	}
	// A huge value is cut without rendering all of it.
	big := orjson.Value{Kind: orjson.Array, Arr: make([]orjson.Value, 100000)}
	in := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "k", Value: big}}}
	_, err := s.Validate(in)
	got := err.Humanized(in)
	want := "expected int for dictionary value @ data['k']. Got " +
		("[" + strings.Repeat("None, ", 100))[:497] + "..."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestLookup(t *testing.T) {
	// Expectations from voluptuous.humanize.humanize_error on the same data.
	for _, c := range []struct {
		data string
		path []PathElem
		want string
	}{
		{`"abc"`, []PathElem{{Kind: PathIndex, Index: 1}}, "m @ data[1]. Got 'b'"},
		{`{"a":"xyz"}`, []PathElem{{Kind: PathKey, Key: "a"}, {Kind: PathIndex, Index: 2}}, "m @ data['a'][2]. Got 'z'"},
		{`{"a":[1]}`, []PathElem{{Kind: PathKey, Key: "a"}, {Kind: PathKey, Key: "b"}}, "m @ data['a']['b']. Got None"},
		{`{"a":{"1":2}}`, []PathElem{{Kind: PathKey, Key: "a"}, {Kind: PathIndex, Index: 1}}, "m @ data['a'][1]. Got None"},
		{`{"g":7}`, []PathElem{{Kind: PathGroup, Key: "g"}}, "m @ data[<g>]. Got 7"},
		{`[1]`, []PathElem{{Kind: PathIndex, Index: 3}}, "m @ data[3]. Got None"},
	} {
		if got := NewError("m", c.path...).Humanized(mustParse(c.data)); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.data, c.path, got, c.want)
		}
	}
}

func TestPythonRepr(t *testing.T) {
	for _, c := range []struct {
		v    orjson.Value
		want string
	}{
		// Not producible by the parser, but must not break the output.
		{orjson.StringValue("a\xffb"), `'a\udcffb'`},
		{orjson.StringValue("\U0001F600\u0378"), "'\U0001F600\\u0378'"},
		{orjson.Value{Kind: orjson.Number, Str: "nope"}, "nan"},
		{orjson.IntValue(-5), "-5"},
	} {
		if got := PythonRepr(c.v); got != c.want {
			t.Errorf("PythonRepr(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestAsInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"true", 1, true}, {"false", 0, true}, {"42", 42, true}, {"-0", 0, true},
		{"1.0", 0, false}, {`"1"`, 0, false}, {"99999999999999999999", 0, false},
	} {
		got, ok := AsInt(mustParse(c.in))
		if got != c.want || ok != c.ok {
			t.Errorf("AsInt(%s) = %d, %v", c.in, got, ok)
		}
	}
}

// TestCommandSchemaID covers the id key every command schema starts with
// (cv.positive_int), which CommandHeader normally makes moot.
func TestCommandSchemaID(t *testing.T) {
	for _, c := range []struct{ msg, err string }{
		{`{"id":-1,"type":"config/auth/list"}`, "value must be at least 0 for dictionary value @ data['id']"},
		{`{"id":"x","type":"config/auth/list"}`, "expected int for dictionary value @ data['id']"},
		{`{"id":3,"type":"config/auth/delete","user_id":"u"}`, "not a valid value for dictionary value @ data['type']"},
	} {
		_, err := ConfigAuthList.Validate(mustParse(c.msg))
		if err == nil || err.Message() != c.err {
			t.Errorf("%s: got %v, want %q", c.msg, err, c.err)
		}
	}
	out, err := ConfigAuthList.Validate(mustParse(`{"id":true,"type":"config/auth/list"}`))
	if err != nil || string(orjson.Marshal(out)) != `{"id":1,"type":"config/auth/list"}` {
		t.Errorf("id true: %s %v", orjson.Marshal(out), err)
	}
}
