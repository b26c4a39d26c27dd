package schema

import (
	"github.com/hassauth/hassauth/core/orjson"
)

// The schemas of Home Assistant's auth HTTP views and websocket commands
// (spec §7.3, §7.4, §7.9, §10.1, §10.4-§10.6), and of the login and MFA
// forms. They are shared values: never modify them.

// LoginFlowCreate is the body of POST /auth/login_flow. handler is a list of
// exactly two items, each a string or null; type defaults to "authorize".
var LoginFlowCreate = &Schema{Fields: []Field{
	Req("client_id", Str),
	Req("handler", AllOf(List(AnyOf(Str, None)), Length(2, 2))),
	Req("redirect_uri", Str),
	OptDefault("type", Str, orjson.StringValue("authorize")),
}}

// LoginFlowStep is the body of POST /auth/login_flow/{flow_id}: client_id
// plus the step's input. Home Assistant removes client_id and checks the
// rest with the step's form schema ("User input malformed" on failure).
var LoginFlowStep = &Schema{Fields: []Field{Req("client_id", Str)}, Extra: true}

// LinkUser is the body of POST /auth/link_user. Both keys are plain, so a
// body without them passes.
var LinkUser = &Schema{Fields: []Field{Key("code", Str), Key("client_id", Str)}}

// WSAuth is the websocket auth-phase message.
var WSAuth = &Schema{Fields: []Field{
	Req("type", Const("auth")),
	Excl("api_password", "auth", Str),
	Excl("access_token", "auth", Str),
}}

// Websocket command types whose schemas this package holds.
const (
	CmdAuthCurrentUser               = "auth/current_user"
	CmdAuthLongLivedAccessToken      = "auth/long_lived_access_token"
	CmdAuthRefreshTokens             = "auth/refresh_tokens"
	CmdAuthDeleteRefreshToken        = "auth/delete_refresh_token"
	CmdAuthDeleteAllRefreshTokens    = "auth/delete_all_refresh_tokens"
	CmdAuthSignPath                  = "auth/sign_path"
	CmdAuthRefreshTokenSetExpiry     = "auth/refresh_token_set_expiry"
	CmdAuthSetupMFA                  = "auth/setup_mfa"
	CmdAuthDeposeMFA                 = "auth/depose_mfa"
	CmdConfigAuthList                = "config/auth/list"
	CmdConfigAuthCreate              = "config/auth/create"
	CmdConfigAuthUpdate              = "config/auth/update"
	CmdConfigAuthDelete              = "config/auth/delete"
	CmdProviderHACreate              = "config/auth_provider/homeassistant/create"
	CmdProviderHADelete              = "config/auth_provider/homeassistant/delete"
	CmdProviderHAChangePassword      = "config/auth_provider/homeassistant/change_password"
	CmdProviderHAAdminChangePassword = "config/auth_provider/homeassistant/admin_change_password"
	CmdProviderHAAdminChangeUsername = "config/auth_provider/homeassistant/admin_change_username"
)

// Command builds a websocket command's schema as Home Assistant's
// BASE_COMMAND_MESSAGE_SCHEMA.extend does: id (cv.positive_int), type (the
// literal typ), then fields; no other keys.
func Command(typ string, fields ...Field) *Schema {
	all := make([]Field, 0, 2+len(fields))
	all = append(all, Req("id", positiveInt{}), Req("type", Const(typ)))
	return &Schema{Fields: append(all, fields...)}
}

// Websocket command schemas (spec §10.4-§10.6). auth/current_user and
// auth/refresh_tokens are declared with no schema beyond their type: see
// CheckBareCommand.
var (
	// AuthLongLivedAccessToken: lifespan int (days), client_name str,
	// optional client_icon str.
	AuthLongLivedAccessToken = Command(CmdAuthLongLivedAccessToken,
		Req("lifespan", Int), Req("client_name", Str), Opt("client_icon", Str))
	// AuthDeleteRefreshToken: refresh_token_id str.
	AuthDeleteRefreshToken = Command(CmdAuthDeleteRefreshToken,
		Req("refresh_token_id", Str))
	// AuthDeleteAllRefreshTokens: optional token_type (cv.string),
	// delete_current_token bool defaulting to true.
	AuthDeleteAllRefreshTokens = Command(CmdAuthDeleteAllRefreshTokens,
		Opt("token_type", String), OptDefault("delete_current_token", Bool, orjson.BoolValue(true)))
	// AuthSignPath: path str, expires int (seconds) defaulting to 30.
	AuthSignPath = Command(CmdAuthSignPath,
		Req("path", Str), OptDefault("expires", Int, orjson.IntValue(30)))
	// AuthRefreshTokenSetExpiry: refresh_token_id str, enable_expiry bool.
	AuthRefreshTokenSetExpiry = Command(CmdAuthRefreshTokenSetExpiry,
		Req("refresh_token_id", Str), Req("enable_expiry", Bool))
	// AuthSetupMFA: mfa_module_id or flow_id (exclusive, one of them
	// required), optional user_input of any type.
	AuthSetupMFA = withAtLeastOne(Command(CmdAuthSetupMFA,
		Excl("mfa_module_id", "module_or_flow_id", Str),
		Excl("flow_id", "module_or_flow_id", Str),
		Opt("user_input", Anything)), "mfa_module_id", "flow_id")
	// AuthDeposeMFA: mfa_module_id str.
	AuthDeposeMFA = Command(CmdAuthDeposeMFA, Req("mfa_module_id", Str))

	// ConfigAuthList takes no key beyond id and type (a real schema, so an
	// extra key is reported with its path, unlike CheckBareCommand).
	ConfigAuthList = Command(CmdConfigAuthList)
	// ConfigAuthDelete: user_id str.
	ConfigAuthDelete = Command(CmdConfigAuthDelete, Req("user_id", Str))
	// ConfigAuthCreate: name str, optional group_ids [str] and local_only
	// bool.
	ConfigAuthCreate = Command(CmdConfigAuthCreate,
		Req("name", Str), Opt("group_ids", List(Str)), Opt("local_only", Bool))
	// ConfigAuthUpdate: user_id str, optional name, is_active, group_ids,
	// local_only.
	ConfigAuthUpdate = Command(CmdConfigAuthUpdate,
		Req("user_id", Str), Opt("name", Str), Opt("is_active", Bool),
		Opt("group_ids", List(Str)), Opt("local_only", Bool))

	// ProviderHACreate: user_id, username, password, all str.
	ProviderHACreate = Command(CmdProviderHACreate,
		Req("user_id", Str), Req("username", Str), Req("password", Str))
	// ProviderHADelete: username str.
	ProviderHADelete = Command(CmdProviderHADelete, Req("username", Str))
	// ProviderHAChangePassword: current_password and new_password str.
	ProviderHAChangePassword = Command(CmdProviderHAChangePassword,
		Req("current_password", Str), Req("new_password", Str))
	// ProviderHAAdminChangePassword: user_id and password str.
	ProviderHAAdminChangePassword = Command(CmdProviderHAAdminChangePassword,
		Req("user_id", Str), Req("password", Str))
	// ProviderHAAdminChangeUsername: user_id and username str.
	ProviderHAAdminChangeUsername = Command(CmdProviderHAAdminChangeUsername,
		Req("user_id", Str), Req("username", Str))
)

func withAtLeastOne(s *Schema, keys ...string) *Schema {
	s.AtLeastOne = keys
	return s
}

// CommandHeader applies the check Home Assistant makes of every websocket
// command before looking at its type: an object whose id is a non-zero,
// non-negative int (true is not an int here) and whose type is a non-empty
// string. When ok is false the reply is invalid_format "Message incorrectly
// formatted." with MalformedCommandID as its id. An id beyond int64, which
// Home Assistant would accept, is refused.
func CommandHeader(msg orjson.Value) (id int64, typ string, ok bool) {
	if msg.Kind != orjson.Object {
		return 0, "", false
	}
	idv, _ := msg.Get("id")
	id, isInt := idv.Int()
	if !isInt || id <= 0 {
		return 0, "", false
	}
	tv, _ := msg.Get("type")
	if tv.Kind != orjson.String || tv.Str == "" {
		return 0, "", false
	}
	return id, tv.Str, true
}

// MalformedCommandID is the id Home Assistant echoes in the error for a
// command that fails CommandHeader: the message's id member as sent (null
// when missing), or 0 when the message is not an object.
func MalformedCommandID(msg orjson.Value) orjson.Value {
	if msg.Kind != orjson.Object {
		return orjson.IntValue(0)
	}
	if v, ok := msg.Get("id"); ok {
		return v
	}
	return orjson.Value{Kind: orjson.Null}
}

// CheckBareCommand is Home Assistant's check of a command declared with no
// schema beyond its type (auth/current_user, auth/refresh_tokens): any key
// besides id and type fails with "extra keys not allowed" at no path, which
// humanizes with the repr of the whole message.
func CheckBareCommand(msg orjson.Value) *Error {
	if len(msg.Obj) > 2 {
		return NewError(MsgExtraKeys)
	}
	return nil
}

// Form schemas of the login flow and the MFA modules.
var (
	// HomeAssistantLogin is the homeassistant (and command_line,
	// insecure_example) provider's init form.
	HomeAssistantLogin = &Schema{Fields: []Field{Req("username", Str), Req("password", Str)}}
	// MFACode is the totp and notify modules' login input and setup-step form.
	MFACode = &Schema{Fields: []Field{Req("code", Str)}}
	// MFAPin is the insecure_example module's login input and setup form.
	MFAPin = &Schema{Fields: []Field{Req("pin", Str)}}
)

// SelectMFAModule is the login flow's select_mfa_module form: a plain (not
// required) key choosing among the user's modules, options in module order
// as {id: name}.
func SelectMFAModule(modules []Option) *Schema {
	return &Schema{Fields: []Field{Key("multi_factor_auth_module", InOptions(modules...))}}
}

// TrustedNetworksUser is the trusted_networks provider's init form: the
// user to log in as, options {user id: name}.
func TrustedNetworksUser(users []Option) *Schema {
	return &Schema{Fields: []Field{Req("user", InOptions(users...))}}
}

// positiveInt is cv.positive_int, vol.All(vol.Coerce(int), vol.Range(min=0)),
// for a command's id. CommandHeader has already admitted only ints of 1 and
// more, so the coercion of strings and floats is not reproduced: those fail
// as they would without it.
type positiveInt struct{}

func (positiveInt) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if v.Kind == orjson.Bool {
		return boolToInt(v), nil
	}
	if !v.IsInt() {
		return orjson.Value{}, fail(msgExpectedPrefix+"int", path)
	}
	if len(v.Str) > 0 && v.Str[0] == '-' && v.Str != "-0" {
		return orjson.Value{}, fail(msgRangeMinPrefix+"0", path)
	}
	return v, nil
}

func (positiveInt) describe() (props, bool) {
	return props{
		{Key: "type", Value: orjson.StringValue("integer")},
		{Key: "valueMin", Value: orjson.IntValue(0)},
	}, true
}

// boolToInt turns a bool into the int Python's int() makes of it.
func boolToInt(v orjson.Value) orjson.Value {
	if v.Kind == orjson.Bool {
		if v.Bool {
			return orjson.IntValue(1)
		}
		return orjson.IntValue(0)
	}
	return v
}
