"""Generate the expectation files in ../ with the real voluptuous.

Run from core/schema/testdata/gen:

    PYTHONPATH=<voluptuous checkout>:<voluptuous-serialize checkout> python3 generate.py

Each case is run under several PYTHONHASHSEED values, because voluptuous keeps
required and defaulted keys in a set: where the order of those errors or
defaults depends on string hashing, every variant seen is recorded.

The schemas here restate, as voluptuous declarations, the schemas the Go tests
build (same names); they are test data, not Home Assistant's code.
"""

import json
import os
import subprocess
import sys

import voluptuous as vol
import voluptuous.humanize as humanize
import voluptuous_serialize


def cv_string(value):
    # Home Assistant's config_validation.string, restated for the tests.
    if value is None:
        raise vol.Invalid("string value is None")
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        raise vol.Invalid("value should be a string")
    return str(value)


def has_at_least_one_key(*keys):
    key_set = set(keys)

    def validate(obj):
        if not isinstance(obj, dict):
            raise vol.Invalid("expected dictionary")
        if not key_set.isdisjoint(obj):
            return obj
        raise vol.Invalid("must contain at least one of %s." % ", ".join(keys))

    return validate


positive_int = vol.All(vol.Coerce(int), vol.Range(min=0))
BASE = vol.Schema({vol.Required("id"): positive_int})


def command(type_, extra=None):
    d = {vol.Required("type"): type_}
    d.update(extra or {})
    return BASE.extend(d)


SCHEMAS = {
    # Home Assistant's auth schemas (spec sections 7.3, 7.4, 7.9, 10.1, 10.4-10.6).
    "LoginFlowCreate": vol.Schema(
        {
            vol.Required("client_id"): str,
            vol.Required("handler"): vol.All(
                [vol.Any(str, None)], vol.Length(2, 2), vol.Coerce(tuple)
            ),
            vol.Required("redirect_uri"): str,
            vol.Optional("type", default="authorize"): str,
        }
    ),
    "LoginFlowStep": vol.Schema({vol.Required("client_id"): str}, extra=vol.ALLOW_EXTRA),
    "LinkUser": vol.Schema({"code": str, "client_id": str}),
    "WSAuth": vol.Schema(
        {
            vol.Required("type"): "auth",
            vol.Exclusive("api_password", "auth"): str,
            vol.Exclusive("access_token", "auth"): str,
        }
    ),
    "AuthLongLivedAccessToken": command(
        "auth/long_lived_access_token",
        {
            vol.Required("lifespan"): int,
            vol.Required("client_name"): str,
            vol.Optional("client_icon"): str,
        },
    ),
    "AuthDeleteRefreshToken": command(
        "auth/delete_refresh_token", {vol.Required("refresh_token_id"): str}
    ),
    "AuthDeleteAllRefreshTokens": command(
        "auth/delete_all_refresh_tokens",
        {
            vol.Optional("token_type"): cv_string,
            vol.Optional("delete_current_token", default=True): bool,
        },
    ),
    "AuthSignPath": command(
        "auth/sign_path",
        {vol.Required("path"): str, vol.Optional("expires", default=30): int},
    ),
    "AuthRefreshTokenSetExpiry": command(
        "auth/refresh_token_set_expiry",
        {vol.Required("refresh_token_id"): str, vol.Required("enable_expiry"): bool},
    ),
    "AuthSetupMFA": vol.All(
        command(
            "auth/setup_mfa",
            {
                vol.Exclusive("mfa_module_id", "module_or_flow_id"): str,
                vol.Exclusive("flow_id", "module_or_flow_id"): str,
                vol.Optional("user_input"): object,
            },
        ),
        has_at_least_one_key("mfa_module_id", "flow_id"),
    ),
    "AuthDeposeMFA": command("auth/depose_mfa", {vol.Required("mfa_module_id"): str}),
    "ConfigAuthList": command("config/auth/list"),
    "ConfigAuthDelete": command("config/auth/delete", {vol.Required("user_id"): str}),
    "ConfigAuthCreate": command(
        "config/auth/create",
        {
            vol.Required("name"): str,
            vol.Optional("group_ids"): [str],
            vol.Optional("local_only"): bool,
        },
    ),
    "ConfigAuthUpdate": command(
        "config/auth/update",
        {
            vol.Required("user_id"): str,
            vol.Optional("name"): str,
            vol.Optional("is_active"): bool,
            vol.Optional("group_ids"): [str],
            vol.Optional("local_only"): bool,
        },
    ),
    "ProviderHACreate": command(
        "config/auth_provider/homeassistant/create",
        {
            vol.Required("user_id"): str,
            vol.Required("username"): str,
            vol.Required("password"): str,
        },
    ),
    "ProviderHADelete": command(
        "config/auth_provider/homeassistant/delete", {vol.Required("username"): str}
    ),
    "ProviderHAChangePassword": command(
        "config/auth_provider/homeassistant/change_password",
        {vol.Required("current_password"): str, vol.Required("new_password"): str},
    ),
    "ProviderHAAdminChangePassword": command(
        "config/auth_provider/homeassistant/admin_change_password",
        {vol.Required("user_id"): str, vol.Required("password"): str},
    ),
    "ProviderHAAdminChangeUsername": command(
        "config/auth_provider/homeassistant/admin_change_username",
        {vol.Required("user_id"): str, vol.Required("username"): str},
    ),
    "HomeAssistantLogin": vol.Schema(
        {vol.Required("username"): str, vol.Required("password"): str}
    ),
    "MFACode": vol.Schema({vol.Required("code"): str}),
    "SelectMFAModule": vol.Schema(
        {"multi_factor_auth_module": vol.In({"totp": "Authenticator app", "notify": "Notify"})}
    ),
    "TrustedNetworksUser": vol.Schema(
        {vol.Required("user"): vol.In({"b2": "Bob", "a1": "Alice", "c3": "Carol"})}
    ),
    "NotifyServices": vol.Schema({vol.Required("notify_service"): vol.In(["sms", "mail", "app"])}),
    # Generic schemas covering every check and error branch.
    "Types": vol.Schema(
        {
            "s": str,
            "i": int,
            "b": bool,
            "f": float,
            "o": object,
            "n": None,
            "c": "const",
            "cs": cv_string,
        }
    ),
    "Lists": vol.Schema(
        {
            "strs": [str],
            "mixed": [str, int],
            "nested": [[int]],
            "maybe": [vol.Any(str, None)],
        }
    ),
    "Lengths": vol.Schema(
        {
            "between": vol.Length(min=2, max=3),
            "atleast": vol.Length(min=1),
            "atmost": vol.Length(max=2),
            "list": vol.All([int], vol.Length(1, 2)),
        }
    ),
    "Anys": vol.Schema(
        {
            "sn": vol.Any(str, None),
            "ns": vol.Any(None, str),
            "is": vol.Any(int, str),
            "deep": vol.Any(int, [int]),
            "consts": vol.Any("a", "b"),
        }
    ),
    "Alls": vol.Schema({"x": vol.All(str, vol.Length(min=2), vol.In(["ab", "abc"]))}),
    "Ins": vol.Schema({"l": vol.In(["b", "a", "B", "é", "A"]), "d": vol.In({"z": "Z", "y": "Y"})}),
    "Nested": vol.Schema(
        {
            vol.Required("inner"): {vol.Required("a"): int, vol.Optional("b", default="x"): str},
            vol.Optional("list"): [{vol.Required("k"): str}],
        }
    ),
    "Defaults": vol.Schema(
        {
            vol.Optional("a", default=1): int,
            vol.Required("b", default="two"): str,
            vol.Optional("c", default=[1, "x"]): [vol.Any(int, str)],
            vol.Optional("d"): bool,
        }
    ),
    "ManyRequired": vol.Schema(
        {vol.Required("one"): str, vol.Required("two"): str, vol.Required("three"): str}
    ),
    "Exclusives": vol.Schema(
        {
            vol.Exclusive("a", "g1"): int,
            vol.Exclusive("b", "g1"): int,
            vol.Exclusive("c", "g1"): int,
            vol.Exclusive("x", "g2"): int,
            vol.Exclusive("y", "g2"): int,
            vol.Optional("z"): int,
        }
    ),
    "ExtraAllowed": vol.Schema(
        {vol.Required("k"): int, vol.Optional("d", default=False): bool}, extra=vol.ALLOW_EXTRA
    ),
    "AtLeastOne": vol.All(
        vol.Schema({vol.Optional("p"): str, vol.Optional("q"): str}),
        has_at_least_one_key("p", "q"),
    ),
}

# (schema, JSON input) pairs; the input is loaded the way aiohttp's
# request.json() does (json.loads), which keeps key order.
CASES = [
    # POST /auth/login_flow
    ("LoginFlowCreate", '{"client_id":"https://a/","handler":["homeassistant",null],"redirect_uri":"https://a/?x"}'),
    ("LoginFlowCreate", '{"type":"link_user","handler":["homeassistant","id1"],"client_id":"c","redirect_uri":"r"}'),
    ("LoginFlowCreate", '{}'),
    ("LoginFlowCreate", '{"client_id":"c","redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["homeassistant",null],"redirect_uri":"r","x":1}'),
    ("LoginFlowCreate", '{"x":1,"client_id":5,"handler":["homeassistant",null],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":5,"x":1,"handler":["homeassistant",null],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":"homeassistant","redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["homeassistant"],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["a",null,"b"],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":[1,null],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":[1,2,3],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["a",true],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":[],"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":{"a":1},"redirect_uri":"r"}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["a",null],"redirect_uri":"r","type":null}'),
    ("LoginFlowCreate", '{"client_id":"c","handler":["a",null],"redirect_uri":"r","code_challenge":"abc","code_challenge_method":"S256"}'),
    ("LoginFlowCreate", '[]'),
    ("LoginFlowCreate", 'null'),
    ("LoginFlowCreate", '"str"'),
    ("LoginFlowCreate", '{"client_id":null,"handler":null,"redirect_uri":null,"type":1}'),
    # POST /auth/login_flow/{flow_id}
    ("LoginFlowStep", '{"client_id":"c","username":"u","password":"p"}'),
    ("LoginFlowStep", '{"username":"u","password":"p"}'),
    ("LoginFlowStep", '{"username":"u","client_id":["c"]}'),
    ("LoginFlowStep", '{"code":"123456","client_id":"c"}'),
    # POST /auth/link_user
    ("LinkUser", '{}'),
    ("LinkUser", '{"code":"x","client_id":"c"}'),
    ("LinkUser", '{"code":1,"client_id":2}'),
    ("LinkUser", '{"code":"x","client_id":"c","extra":true}'),
    # websocket auth message
    ("WSAuth", '{"type":"auth","access_token":"abc"}'),
    ("WSAuth", '{"type":"auth","api_password":"pw"}'),
    ("WSAuth", '{"type":"auth"}'),
    ("WSAuth", '{"type":"auth","access_token":"abc","api_password":"pw"}'),
    ("WSAuth", '{"type":"auth","api_password":"pw","access_token":"abc"}'),
    ("WSAuth", '{"type":"auth","api_password":"pw","access_token":"abc","auth":"there"}'),
    ("WSAuth", '{"type":"auth","api_password":1,"access_token":2,"x":3}'),
    ("WSAuth", '{"type":"login","access_token":"abc"}'),
    ("WSAuth", '{"access_token":"abc"}'),
    ("WSAuth", '{"type":"auth","access_token":123}'),
    ("WSAuth", '{"type":"auth","access_token":"abc","id":1}'),
    ("WSAuth", '{"access_token":null,"type":null,"zz":[1,{"a":"b"}]}'),
    ("WSAuth", '[1,2]'),
    ("WSAuth", '{"id":5,"type":"call_service","domain":"domain_test","service":"test_service","service_data":{"hello":"world"}}'),
    ("WSAuth", '"auth"'),
    ("WSAuth", '5'),
    ("WSAuth", '{"type":"auth","access_token":"' + "x" * 600 + '"}'),
    ("WSAuth", '{"type":"auth","access_token":["' + "é" * 600 + '"]}'),
    # auth/* commands
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"GPS","lifespan":365}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"GPS","lifespan":true}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"GPS","lifespan":1.5}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"GPS","lifespan":"365"}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","lifespan":1}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"a","lifespan":1,"client_icon":null}'),
    ("AuthLongLivedAccessToken", '{"id":3,"type":"auth/long_lived_access_token","client_name":"a","lifespan":-100000000000000000000000}'),
    ("AuthDeleteRefreshToken", '{"id":4,"type":"auth/delete_refresh_token","refresh_token_id":"abc"}'),
    ("AuthDeleteRefreshToken", '{"id":4,"type":"auth/delete_refresh_token"}'),
    ("AuthDeleteRefreshToken", '{"id":4,"type":"auth/delete_refresh_token","refresh_token_id":["a"]}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens"}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","delete_current_token":false,"token_type":"normal"}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":5}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":1.0}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":1e20}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":true}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":null}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":["normal"]}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":{}}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","delete_current_token":1}'),
    ("AuthDeleteAllRefreshTokens", '{"id":5,"type":"auth/delete_all_refresh_tokens","delete_current_token":"true"}'),
    ("AuthSignPath", '{"id":6,"type":"auth/sign_path","path":"/api/x"}'),
    ("AuthSignPath", '{"expires":60,"id":6,"type":"auth/sign_path","path":"/api/x"}'),
    ("AuthSignPath", '{"id":6,"type":"auth/sign_path","path":"/api/x","expires":"60"}'),
    ("AuthSignPath", '{"id":6,"type":"auth/sign_path","path":"/api/x","expires":false}'),
    ("AuthSignPath", '{"id":6,"type":"auth/sign_path","expires":1.0}'),
    ("AuthRefreshTokenSetExpiry", '{"id":7,"type":"auth/refresh_token_set_expiry","refresh_token_id":"t","enable_expiry":true}'),
    ("AuthRefreshTokenSetExpiry", '{"id":7,"type":"auth/refresh_token_set_expiry","refresh_token_id":"t","enable_expiry":0}'),
    ("AuthRefreshTokenSetExpiry", '{"id":7,"type":"auth/refresh_token_set_expiry"}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","mfa_module_id":"totp"}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","flow_id":"f","user_input":{"code":"123"}}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","flow_id":"f","user_input":null}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa"}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","user_input":{}}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","mfa_module_id":"totp","flow_id":"f"}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","mfa_module_id":5}'),
    ("AuthSetupMFA", '{"id":8,"type":"auth/setup_mfa","mfa_module_id":"totp","bogus":1}'),
    ("AuthDeposeMFA", '{"id":9,"type":"auth/depose_mfa","mfa_module_id":"totp"}'),
    ("AuthDeposeMFA", '{"id":9,"type":"auth/depose_mfa"}'),
    # config/auth/*
    ("ConfigAuthList", '{"id":10,"type":"config/auth/list"}'),
    ("ConfigAuthList", '{"id":10,"type":"config/auth/list","x":1}'),
    ("ConfigAuthDelete", '{"id":11,"type":"config/auth/delete","user_id":1}'),
    ("ConfigAuthCreate", '{"id":12,"type":"config/auth/create","name":"Paulus","group_ids":["system-admin"],"local_only":true}'),
    ("ConfigAuthCreate", '{"id":12,"type":"config/auth/create","name":"Paulus","group_ids":"system-admin"}'),
    ("ConfigAuthCreate", '{"id":12,"type":"config/auth/create","name":"Paulus","group_ids":["a",1,"b",null]}'),
    ("ConfigAuthCreate", '{"id":12,"type":"config/auth/create","group_ids":[1],"local_only":"yes"}'),
    ("ConfigAuthCreate", '{"id":12,"type":"config/auth/create","name":"P","group_ids":[]}'),
    ("ConfigAuthUpdate", '{"id":13,"type":"config/auth/update","user_id":"u","name":"N","is_active":false,"group_ids":["system-users"],"local_only":false}'),
    ("ConfigAuthUpdate", '{"id":13,"type":"config/auth/update","name":"N"}'),
    ("ConfigAuthUpdate", '{"id":13,"type":"config/auth/update","user_id":"u","is_active":"no"}'),
    ("ProviderHACreate", '{"id":14,"type":"config/auth_provider/homeassistant/create","user_id":"u","username":"a","password":"b"}'),
    ("ProviderHACreate", '{"id":14,"type":"config/auth_provider/homeassistant/create","user_id":"u"}'),
    ("ProviderHADelete", '{"id":15,"type":"config/auth_provider/homeassistant/delete","username":false}'),
    ("ProviderHAChangePassword", '{"id":16,"type":"config/auth_provider/homeassistant/change_password","current_password":"a","new_password":"b"}'),
    ("ProviderHAChangePassword", '{"id":16,"type":"config/auth_provider/homeassistant/change_password","current_password":"a","new_password":null}'),
    ("ProviderHAAdminChangePassword", '{"id":17,"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"u","password":"p"}'),
    ("ProviderHAAdminChangeUsername", '{"id":18,"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"u","username":"n","x":"y"}'),
    # login and MFA step forms
    ("HomeAssistantLogin", '{"username":"u","password":"p"}'),
    ("HomeAssistantLogin", '{"username":"u"}'),
    ("HomeAssistantLogin", '{"username":"u","password":"p","remember":true}'),
    ("MFACode", '{"code":"123456"}'),
    ("MFACode", '{"code":123456}'),
    ("SelectMFAModule", '{"multi_factor_auth_module":"totp"}'),
    ("SelectMFAModule", '{}'),
    ("SelectMFAModule", '{"multi_factor_auth_module":"sms"}'),
    ("SelectMFAModule", '{"multi_factor_auth_module":["totp"]}'),
    ("TrustedNetworksUser", '{"user":"a1"}'),
    ("TrustedNetworksUser", '{"user":"zz"}'),
    ("TrustedNetworksUser", '{"user":{"a1":1}}'),
    ("NotifyServices", '{"notify_service":"pager"}'),
    # generic type checks
    ("Types", '{"s":"x","i":1,"b":true,"f":1.5,"o":[1],"n":null,"c":"const","cs":"v"}'),
    ("Types", '{"s":1}'),
    ("Types", '{"s":null}'),
    ("Types", '{"s":["x"]}'),
    ("Types", '{"i":"1"}'),
    ("Types", '{"i":1.0}'),
    ("Types", '{"i":1e3}'),
    ("Types", '{"i":true}'),
    ("Types", '{"i":false}'),
    ("Types", '{"i":-0}'),
    ("Types", '{"i":123456789012345678901234567890}'),
    ("Types", '{"b":1}'),
    ("Types", '{"b":"true"}'),
    ("Types", '{"b":null}'),
    ("Types", '{"f":1}'),
    ("Types", '{"f":"1.5"}'),
    ("Types", '{"f":-0.0}'),
    ("Types", '{"n":0}'),
    ("Types", '{"n":false}'),
    ("Types", '{"c":"Const"}'),
    ("Types", '{"c":null}'),
    ("Types", '{"o":{"deep":[null,true,1.25e-7]}}'),
    ("Types", '{"cs":12}'),
    ("Types", '{"cs":-0}'),
    ("Types", '{"cs":0.1}'),
    ("Types", '{"cs":1e16}'),
    ("Types", '{"cs":1.5e-5}'),
    ("Types", '{"cs":12345678901234567890}'),
    ("Types", '{"cs":false}'),
    ("Types", '{"cs":null}'),
    ("Types", '{"cs":[]}'),
    ("Types", '{"cs":{"a":1}}'),
    ("Types", '{"s":1,"i":"x","b":2,"f":3,"n":4,"c":5,"cs":null,"extra":6}'),
    ("Types", '{"zz":1,"s":1}'),
    # lists
    ("Lists", '{"strs":["a","b"],"mixed":["a",1,"b",2],"nested":[[1],[2,3]],"maybe":[null,"x"]}'),
    ("Lists", '{"strs":"a"}'),
    ("Lists", '{"strs":null}'),
    ("Lists", '{"strs":{"a":1}}'),
    ("Lists", '{"strs":["a",1,"b",2]}'),
    ("Lists", '{"mixed":[true,1.5,null]}'),
    ("Lists", '{"nested":[[1],["x"],[2,"y"]]}'),
    ("Lists", '{"nested":[1,[2]]}'),
    ("Lists", '{"nested":[[1],2,["z"]]}'),
    ("Lists", '{"maybe":[1,"a",{}]}'),
    ("Lists", '{"strs":[1],"maybe":[1]}'),
    # lengths
    ("Lengths", '{"between":"ab","atleast":[1],"atmost":{"a":1},"list":[1]}'),
    ("Lengths", '{"between":"a"}'),
    ("Lengths", '{"between":"abcd"}'),
    ("Lengths", '{"between":"éé"}'),
    ("Lengths", '{"between":"ééée"}'),
    ("Lengths", '{"between":[1]}'),
    ("Lengths", '{"between":{"a":1,"b":2,"c":3,"d":4}}'),
    ("Lengths", '{"between":5}'),
    ("Lengths", '{"between":null}'),
    ("Lengths", '{"between":true}'),
    ("Lengths", '{"between":1.5}'),
    ("Lengths", '{"atleast":""}'),
    ("Lengths", '{"atmost":"abc"}'),
    ("Lengths", '{"list":[]}'),
    ("Lengths", '{"list":[1,2,3]}'),
    ("Lengths", '{"list":["a",1,2]}'),
    ("Lengths", '{"list":"ab"}'),
    # any
    ("Anys", '{"sn":"x","ns":null,"is":"1","deep":[1],"consts":"b"}'),
    ("Anys", '{"sn":1}'),
    ("Anys", '{"ns":1}'),
    ("Anys", '{"is":1.5}'),
    ("Anys", '{"deep":"x"}'),
    ("Anys", '{"deep":["x"]}'),
    ("Anys", '{"deep":[1,"x","y"]}'),
    ("Anys", '{"consts":"c"}'),
    # all
    ("Alls", '{"x":"ab"}'),
    ("Alls", '{"x":1}'),
    ("Alls", '{"x":"a"}'),
    ("Alls", '{"x":"xyz"}'),
    # in
    ("Ins", '{"l":"a","d":"y"}'),
    ("Ins", '{"l":"c"}'),
    ("Ins", '{"l":1}'),
    ("Ins", '{"l":["a"]}'),
    ("Ins", '{"d":"Z"}'),
    ("Ins", '{"d":{"z":1}}'),
    # nested mappings
    ("Nested", '{"inner":{"a":1}}'),
    ("Nested", '{"inner":{"b":"y","a":2},"list":[{"k":"v"}]}'),
    ("Nested", '{"inner":{}}'),
    ("Nested", '{"inner":{"a":"x","b":1,"c":2}}'),
    ("Nested", '{"inner":[]}'),
    ("Nested", '{"inner":null}'),
    ("Nested", '{}'),
    ("Nested", '{"inner":{"a":1},"list":[{"k":1},{"j":2}]}'),
    ("Nested", '{"inner":{"a":1},"list":[1,{"k":"x"}]}'),
    ("Nested", '{"inner":{"a":1},"list":[{},{}]}'),
    # defaults
    ("Defaults", '{}'),
    ("Defaults", '{"d":true}'),
    ("Defaults", '{"c":[2],"b":"x","a":5}'),
    ("Defaults", '{"a":"x"}'),
    ("Defaults", '{"b":null,"c":[null]}'),
    # several missing required keys: the first error depends on hashing
    ("ManyRequired", '{}'),
    ("ManyRequired", '{"two":"x"}'),
    ("ManyRequired", '{"two":1}'),
    ("ManyRequired", '{"zzz":1,"two":1}'),
    # exclusive groups
    ("Exclusives", '{"a":1,"x":2,"z":3}'),
    ("Exclusives", '{"a":1,"b":2}'),
    ("Exclusives", '{"c":1,"b":2,"a":3}'),
    ("Exclusives", '{"c":1,"a":2}'),
    ("Exclusives", '{"a":1,"b":2,"x":1,"y":2}'),
    ("Exclusives", '{"y":1,"x":"bad","q":1}'),
    ("Exclusives", '{"a":"bad","q":1}'),
    # extra keys allowed
    ("ExtraAllowed", '{"z":1,"k":2,"a":[1]}'),
    ("ExtraAllowed", '{"z":1}'),
    ("ExtraAllowed", '{"k":"x","d":1,"z":1}'),
    ("ExtraAllowed", '{"d":true,"k":1}'),
    # at least one key
    ("AtLeastOne", '{"p":"x"}'),
    ("AtLeastOne", '{}'),
    ("AtLeastOne", '{"p":1}'),
    ("AtLeastOne", '{"r":1}'),
    ("AtLeastOne", '[]'),
]

REPR_CASES = [
    '"plain"',
    '""',
    '"it\'s"',
    '"say \\"hi\\""',
    '"both \' and \\""',
    '"back\\\\slash"',
    '"tab\\tnew\\nline\\rcr"',
    '"\\u0000\\u0001\\u001f\\u007f\\u0080\\u009f"',
    '"\\u00a0nbsp\\u00adshy"',
    '"caf\u00e9 \u00fc\u00df \u4e2d\u6587 \u0416"',
    '"emoji \\ud83d\\ude00 😀"',
    '"\\u200b\\u200e\\u2028\\u2029\\u3000\\ufeff"',
    '"\\ue000private\\uf8ff"',
    '"\\u0378unassigned\\ufffe\\uffff"',
    '"\\udb40\\udc01tag \\udbff\\udfff"',
    '"combining e\\u0301"',
    '"\\u1680ogham\\u2000\\u205f"',
    '"\\u0085nel"',
    "0",
    "-0",
    "7",
    "-42",
    "123456789012345678901234567890",
    "1.0",
    "-0.0",
    "0.1",
    "1.5",
    "100.0",
    "1e3",
    "1E3",
    "1e15",
    "1e16",
    "1.2345e16",
    "9999999999999998.0",
    "0.0001",
    "0.00001",
    "1.5e-5",
    "1.25e-7",
    "123456789.123456789",
    "1e300",
    "1.7976931348623157e308",
    "5e-324",
    "1e-400",
    "1e400",
    "-1e400",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[1, [2, [3, []]], {}]",
    '{"a": 1, "b": [true, null], "c": {"d": "it\'s"}}',
    '{"\u00e9t\u00e9": "\\u00a0", "q\\"": 1.0}',
    '[{"x": [{"y": null}]}, "s", -1.5e-10]',
]


def load(text):
    return json.loads(text)


def dump(value):
    def fix(v):
        if isinstance(v, tuple):
            return [fix(x) for x in v]
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    return json.dumps(fix(value), ensure_ascii=False, separators=(",", ":"))


def run_once():
    out = []
    for name, text in CASES:
        data = load(text)
        rec = {"schema": name, "input": text}
        try:
            result = SCHEMAS[name](data)
        except vol.Invalid as err:
            rec["valid"] = False
            rec["message"] = str(err)
            rec["humanized"] = humanize.humanize_error(data, err)
        else:
            rec["valid"] = True
            rec["output"] = dump(result)
        out.append(rec)
    return out


def merge(runs):
    merged = []
    for recs in zip(*runs):
        base = dict(recs[0])
        for field in ("message", "output", "humanized"):
            seen = []
            for r in recs:
                if field in r and r[field] not in seen:
                    seen.append(r[field])
            if len(seen) > 1:
                base.pop(field)
                base[field + "_variants"] = sorted(seen)
        merged.append(base)
    return merged


FORMS = [
    "HomeAssistantLogin",
    "MFACode",
    "SelectMFAModule",
    "TrustedNetworksUser",
    "NotifyServices",
]

SERIALIZE_EXTRA = {
    "Described": vol.Schema(
        {
            vol.Required("name", description="shown name"): str,
            vol.Optional("count", default=3): int,
            vol.Optional("ratio"): float,
            vol.Required("flag", default=False): bool,
            "mode": vol.In(["b", "a"]),
            "pick": vol.In({"k2": "Two", "k1": "One"}),
            vol.Optional("code"): vol.All(str, vol.Length(min=6, max=6)),
            vol.Optional("maybe"): vol.Any(None, str),
            "fixed": "constant",
        }
    ),
}


def serialize_cases():
    out = []
    for name in FORMS:
        out.append({"schema": name, "json": json.dumps(voluptuous_serialize.convert(SCHEMAS[name]), ensure_ascii=False, separators=(",", ":"))})
    for name, sch in SERIALIZE_EXTRA.items():
        out.append({"schema": name, "json": json.dumps(voluptuous_serialize.convert(sch), ensure_ascii=False, separators=(",", ":"))})
    return out


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--once":
        json.dump(run_once(), sys.stdout, ensure_ascii=False)
        return
    runs = []
    for seed in range(12):
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        res = subprocess.run([sys.executable, __file__, "--once"], env=env, check=True, capture_output=True)
        runs.append(json.loads(res.stdout))
    header = {
        "generator": "core/schema/testdata/gen/generate.py",
        "voluptuous": vol.__version__,
        "python": sys.version.split()[0],
    }
    with open("../voluptuous_cases.json", "w", encoding="utf-8") as f:
        json.dump({"about": header, "cases": merge(runs)}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    reprs = [{"json": t, "repr": repr(json.loads(t))} for t in REPR_CASES]
    with open("../python_repr.json", "w", encoding="utf-8") as f:
        json.dump({"about": header, "cases": reprs}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open("../serialize.json", "w", encoding="utf-8") as f:
        json.dump({"about": header, "cases": serialize_cases()}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
