"""Regenerate pyjwt_tokens.json with Debian's python3-jwt (PyJWT 2.6.0).

Run: /usr/bin/python3 core/jwt/testdata/gen_pyjwt.py > core/jwt/testdata/pyjwt_tokens.json

Inputs are fixed, so the output is the same on every run. Access tokens and
the OAuth state are made with jwt.encode, as Home Assistant makes them.
Signed paths are made the way Home Assistant's async_sign_path makes them:
the payload written by orjson (compact, UTF-8 unescaped) and signed with
jwt.api_jws.encode. orjson is not packaged for Debian 12, so its output is
reproduced with json.dumps(ensure_ascii=False, separators=(",", ":")), which
writes the same bytes for strings, integers and lists.
"""

import json
import sys

import jwt
from jwt import api_jws

JWT_KEY = "5d3c9f1e" * 16  # a refresh token's jwt_key: 128 hex characters
TOKEN_ID = "8c8b3f2a9d1e4c7b8a6f5e4d3c2b1a09"  # a refresh token's id
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0" * 2  # token_hex(): 64 hex characters
IAT = 1764579600


def orjson_dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def signed_path(path, params, iat, exp):
    payload = {"iss": TOKEN_ID, "path": path, "params": params, "iat": iat, "exp": exp}
    return payload, api_jws.encode(orjson_dumps(payload), SECRET, "HS256")


cases = []


def add(name, how, key, payload, token, now):
    cases.append(
        {
            "name": name,
            "how": how,
            "key": key,
            "payload": payload,
            "token": token,
            "now": now,
        }
    )


for name, lifetime in (("access_token", 1800), ("long_lived_access_token", 3000 * 86400)):
    payload = {"iss": TOKEN_ID, "iat": IAT, "exp": IAT + lifetime}
    add(name, "jwt.encode", JWT_KEY, payload, jwt.encode(payload, JWT_KEY, algorithm="HS256"), IAT + 60)

state = {"flow_id": "01JDQ3ZK5YV8W6T4R2P0N8M6K4", "redirect_uri": "https://my.home-assistant.io/redirect/oauth"}
add("state_ascii", "jwt.encode", SECRET, state, jwt.encode(state, SECRET, algorithm="HS256"), IAT)

state = {
    "flow_id": "01JDQ3ZK5YV8W6T4R2P0N8M6K4",
    "redirect_uri": "https://example.com/cb?a=1&b=/x",
    "note": "Caf\u00e9 \u2615 \U0001d11e \u007f \x01\n\t\"\\/ \u2028",
}
add("state_non_ascii", "jwt.encode", SECRET, state, jwt.encode(state, SECRET, algorithm="HS256"), IAT)

for name, path, params in (
    ("signed_path_ascii", "/api/camera_proxy/camera.front_door", [["token", "abc"], ["x", "1 2"]]),
    ("signed_path_no_params", "/api/tts_proxy/abc.mp3", []),
    (
        "signed_path_non_ascii",
        "/media/local/Caf\u00e9/\u00e9t\u00e9 \u2615.mp3",
        [["name", "Zo\u00eb \U0001d11e"], ["q", "a\"b\\c"]],
    ),
):
    payload, token = signed_path(path, params, IAT, IAT + 30)
    add(name, "api_jws.encode(orjson)", SECRET, payload, token, IAT + 5)

# The same signed-path claims written by jwt.encode (ASCII escapes): a
# different token for the same claims, which must verify just the same.
payload = {
    "iss": TOKEN_ID,
    "path": "/media/local/Caf\u00e9/\u00e9t\u00e9 \u2615.mp3",
    "params": [["name", "Zo\u00eb \U0001d11e"]],
    "iat": IAT,
    "exp": IAT + 30,
}
add("signed_path_non_ascii_pyjwt", "jwt.encode", SECRET, payload, jwt.encode(payload, SECRET, algorithm="HS256"), IAT + 5)

json.dump({"generator": "PyJWT " + jwt.__version__, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
