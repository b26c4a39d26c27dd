package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Test inputs shaped like Home Assistant's: a jwt_key is token_hex(64), an id
// is uuid4().hex.
var (
	testJWTKey  = strings.Repeat("a1b2c3d4", 16)
	testTokenID = "0123456789abcdef0123456789abcdef"
	testNow     = int64(1764579600)
)

const stdHeader = `{"alg":"HS256","typ":"JWT"}`

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// refMAC is HMAC-SHA256 computed with the standard library only, as the
// reference the package's own Key is checked against.
func refMAC(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// mint signs any header and payload text with key, bypassing the package.
func mint(key, header, payload string) string {
	in := enc(header) + "." + enc(payload)
	return in + "." + base64.RawURLEncoding.EncodeToString(refMAC(key, in))
}

// accessPayload is the payload Home Assistant signs for an access token.
func accessPayload(iss string, iat, exp int64) string {
	return `{"iss":"` + iss + `","iat":` + strconv.FormatInt(iat, 10) + `,"exp":` + strconv.FormatInt(exp, 10) + `}`
}

func i64(i int64) string { return strconv.FormatInt(i, 10) }
