package jwt

import (
	"errors"
	"strings"
	"testing"
)

// verifyCase is one token, the time it is checked at, and the expected
// outcome with AccessTokenOptions(testTokenID) and key testJWTKey.
type verifyCase struct {
	name  string
	token string
	now   int64
	want  error
}

// accessTokenCases are the access-token rules of §4.5 step 3 and §11: HA's
// verify_and_decode with leeway 10, the refresh token's id as issuer, exp
// and iat required.
func accessTokenCases(t testing.TB) []verifyCase {
	now := testNow
	good := accessPayload(testTokenID, now, now+1800)
	tok := func(payload string) string { return mint(testJWTKey, stdHeader, payload) }
	withHeader := func(header string) string { return mint(testJWTKey, header, good) }
	valid := tok(good)
	head := valid[:strings.LastIndexByte(valid, '.')]
	// A token whose signature segment is a canonical encoding of 32 wrong bytes.
	wrongSig := head + "." + enc(strings.Repeat("\x00", 32))

	// withURLChars is a valid token whose payload segment uses both '-' and '_'.
	withURLChars := ""
	for i := 0; !strings.Contains(withURLChars, "-") || !strings.Contains(withURLChars[:strings.LastIndexByte(withURLChars, '.')], "_"); i++ {
		withURLChars = tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"x":"` + strings.Repeat("?", i%7) + strings.Repeat("\u00fb", i/7) + `"}`)
	}

	// tokenOfLen makes a valid token exactly n bytes long by padding an extra claim.
	tokenOfLen := func(n int) string {
		pad := func(x int) string {
			return tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"x":"` + strings.Repeat("y", x) + `"}`)
		}
		est := (n - len(pad(0))) * 3 / 4
		for x := est - 3; x <= est+3; x++ {
			if s := pad(x); len(s) == n {
				return s
			}
		}
		t.Fatalf("no token of %d bytes", n)
		return ""
	}

	cases := []verifyCase{
		{"AM-21/fresh_token_valid", valid, now, nil},
		{"AM-21/valid_until_the_last_second_of_leeway", valid, now + 1800 + 9, nil},

		// AM-07: a token that expired 11 s ago is refused; exp <= now-leeway is the boundary.
		{"AM-07/expired_11s_ago", tok(accessPayload(testTokenID, now-1800-11, now-11)), now, ErrExpired},
		{"AM-07/exp_equals_now_minus_leeway", tok(accessPayload(testTokenID, now-1800, now-10)), now, ErrExpired},
		{"AM-07/exp_one_second_inside_leeway", tok(accessPayload(testTokenID, now-1800, now-9)), now, nil},
		{"AM-07/same_token_later", valid, now + 1800 + 10, ErrExpired},

		// AM-33, AM-35: signatures.
		{"AM-33/signature_replaced_by_a", head + "." + strings.Repeat("a", 43), now, ErrMalformed},
		{"AM-33/signature_replaced_by_canonical_wrong_bytes", wrongSig, now, ErrSignature},
		{"AM-33/signature_of_other_key", mint("other", stdHeader, good), now, ErrSignature},
		{"AM-33/signature_truncated", valid[:len(valid)-3], now, ErrSignature},
		{"AM-33/signature_too_long", head + "." + enc(strings.Repeat("\x01", 33)), now, ErrSignature},
		{"AM-35/empty_signature", head + ".", now, ErrSignature},
		{"AM-33/payload_changed_after_signing", enc(stdHeader) + "." + enc(accessPayload(testTokenID, now, now+999999)) + valid[strings.LastIndexByte(valid, '.'):], now, ErrSignature},

		// AM-37: size guard before any decoding.
		{"AM-37/garbage_10000_chars", strings.Repeat("x", 10000), now, ErrTooLarge},
		{"AM-37/token_of_exactly_8192_bytes", tokenOfLen(MaxTokenSize), now, nil},
		{"AM-37/token_of_8193_bytes", tokenOfLen(MaxTokenSize + 1), now, ErrTooLarge},

		// AM-38, AM-39: payload must be a JSON object.
		{"AM-38/payload_not_json", tok("not json"), now, ErrPayload},
		{"AM-38/payload_empty", tok(""), now, ErrPayload},
		{"AM-38/payload_truncated_json", tok(good[:len(good)-1]), now, ErrPayload},
		{"AM-38/payload_with_NaN", tok(`{"iss":"` + testTokenID + `","iat":NaN,"exp":1}`), now, ErrPayload},
		{"AM-38/payload_lone_surrogate", tok(`{"iss":"\ud800","iat":1,"exp":1}`), now, ErrPayload},
		{"AM-38/payload_invalid_utf8", tok("{\"iss\":\"\xff\",\"iat\":1,\"exp\":1}"), now, ErrPayload},
		{"AM-38/payload_with_bom", tok("\ufeff" + good), now, ErrPayload},
		{"AM-38/payload_trailing_data", tok(good + "{}"), now, ErrPayload},
		{"AM-38/payload_surrounding_whitespace_ok", tok(" \n" + good + "\t "), now, nil},
		{"AM-39/payload_array", tok(`[1,2]`), now, ErrPayload},
		{"AM-39/payload_string", tok(`"x"`), now, ErrPayload},
		{"AM-39/payload_number", tok(`1`), now, ErrPayload},
		{"AM-39/payload_null", tok(`null`), now, ErrPayload},

		// AM-41: from the future; iat > now+leeway is refused.
		{"AM-41/minted_365_days_ahead", tok(accessPayload(testTokenID, now+365*86400, now+375*86400)), now, ErrNotYetValid},
		{"AM-41/valid_at_its_own_time", tok(accessPayload(testTokenID, now+365*86400, now+375*86400)), now + 365*86400, nil},
		{"AM-41/iat_at_now_plus_leeway", tok(accessPayload(testTokenID, now+10, now+1810)), now, nil},
		{"AM-41/iat_one_past_leeway", tok(accessPayload(testTokenID, now+11, now+1811)), now, ErrNotYetValid},
		{"AM-41/nbf_one_past_leeway", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"nbf":` + i64(now+11) + `}`), now, ErrNotYetValid},
		{"AM-41/nbf_at_leeway", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"nbf":` + i64(now+10) + `}`), now, nil},

		// alg must be exactly HS256 (the token is still signed with the key,
		// so only the header decides).
		{"alg/none", withHeader(`{"alg":"none","typ":"JWT"}`), now, ErrAlgorithm},
		{"alg/none_empty_signature", enc(`{"alg":"none"}`) + "." + enc(good) + ".", now, ErrAlgorithm},
		{"alg/RS256_confusion", withHeader(`{"alg":"RS256","typ":"JWT"}`), now, ErrAlgorithm},
		{"alg/HS512", withHeader(`{"alg":"HS512","typ":"JWT"}`), now, ErrAlgorithm},
		{"alg/HS384", withHeader(`{"alg":"HS384"}`), now, ErrAlgorithm},
		{"alg/lower_case", withHeader(`{"alg":"hs256"}`), now, ErrAlgorithm},
		{"alg/missing", withHeader(`{"typ":"JWT"}`), now, ErrAlgorithm},
		{"alg/empty", withHeader(`{"alg":""}`), now, ErrAlgorithm},
		{"alg/null", withHeader(`{"alg":null}`), now, ErrAlgorithm},
		{"alg/list", withHeader(`{"alg":["HS256"]}`), now, ErrAlgorithm},
		{"alg/duplicate_last_wins_bad", withHeader(`{"alg":"HS256","alg":"none"}`), now, ErrAlgorithm},
		{"alg/duplicate_last_wins_good", withHeader(`{"alg":"none","alg":"HS256"}`), now, nil},

		// Other header rules: PyJWT ignores typ and unknown members.
		{"header/alg_only", withHeader(`{"alg":"HS256"}`), now, nil},
		{"header/typ_ignored", withHeader(`{"typ":"at+jwt","alg":"HS256"}`), now, nil},
		{"header/whitespace_and_extra_member", withHeader(` { "alg" : "HS256", "x": [1, {}] } `), now, nil},
		{"header/kid_string_ok", withHeader(`{"alg":"HS256","kid":"k1"}`), now, nil},
		{"header/kid_not_string", withHeader(`{"alg":"HS256","kid":1}`), now, ErrHeader},
		{"header/crit_b64_present", withHeader(`{"alg":"HS256","crit":["b64"],"b64":true}`), now, nil},
		{"header/crit_unknown", withHeader(`{"alg":"HS256","crit":["exp"],"exp":1}`), now, ErrHeader},
		{"header/crit_empty", withHeader(`{"alg":"HS256","crit":[]}`), now, ErrHeader},
		{"header/crit_not_list", withHeader(`{"alg":"HS256","crit":"b64","b64":true}`), now, ErrHeader},
		{"header/crit_names_missing_member", withHeader(`{"alg":"HS256","crit":["b64"]}`), now, ErrHeader},
		{"header/b64_false_detached", withHeader(`{"alg":"HS256","b64":false}`), now, ErrHeader},
		{"header/b64_other_value_ignored", withHeader(`{"alg":"HS256","b64":0}`), now, nil},
		{"header/array", withHeader(`["HS256"]`), now, ErrHeader},
		{"header/not_json", withHeader(`alg=HS256`), now, ErrHeader},
		{"header/NaN_python_only", withHeader(`{"alg":"HS256","x":NaN}`), now, ErrHeader},
		{"header/empty_segment", "." + valid[strings.IndexByte(valid, '.')+1:], now, ErrHeader},

		// Strict base64url and shape; Python would decode each of these.
		{"b64/padding", enc(stdHeader) + "=." + valid[strings.IndexByte(valid, '.')+1:], now, ErrMalformed},
		{"b64/slash_for_underscore", strings.Replace(withURLChars, "_", "/", 1), now, ErrMalformed},
		{"b64/plus_for_minus", strings.Replace(withURLChars, "-", "+", 1), now, ErrMalformed},
		{"b64/url_chars_themselves_ok", withURLChars, now, nil},
		{"b64/newline_inside", valid[:10] + "\n" + valid[10:], now, ErrMalformed},
		{"b64/space_inside", valid[:40] + " " + valid[40:], now, ErrMalformed},
		{"b64/non_ascii_inside", valid[:40] + "é" + valid[40:], now, ErrMalformed},
		{"b64/non_canonical_last_char", head + "." + nonCanonical(valid[strings.LastIndexByte(valid, '.')+1:]), now, ErrMalformed},
		{"b64/length_1_mod_4", valid[:len(valid)-2], now, ErrMalformed},
		{"shape/four_segments", valid + ".x", now, ErrMalformed},
		{"shape/two_segments", head, now, ErrMalformed},
		{"shape/no_dot", "abc", now, ErrMalformed},
		{"shape/empty", "", now, ErrMalformed},
		{"shape/dot_in_payload", enc(stdHeader) + ".e30.e30." + enc("x"), now, ErrMalformed},

		// Claims.
		{"iss/other_token", tok(accessPayload("ffffffffffffffffffffffffffffffff", now, now+1800)), now, ErrIssuer},
		{"iss/missing", tok(`{"iat":` + i64(now) + `,"exp":` + i64(now+1800) + `}`), now, ErrMissingClaim},
		{"iss/number", tok(`{"iss":1,"iat":` + i64(now) + `,"exp":` + i64(now+1800) + `}`), now, ErrIssuer},
		{"iss/null", tok(`{"iss":null,"iat":` + i64(now) + `,"exp":` + i64(now+1800) + `}`), now, ErrIssuer},
		{"iss/prefix", tok(accessPayload(testTokenID[:31], now, now+1800)), now, ErrIssuer},
		{"require/exp_missing", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `}`), now, ErrMissingClaim},
		{"require/iat_missing", tok(`{"iss":"` + testTokenID + `","exp":` + i64(now+1800) + `}`), now, ErrMissingClaim},
		{"require/exp_null", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":null}`), now, ErrClaimType},
		{"type/exp_numeric_string", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":"` + i64(now+1800) + `"}`), now, ErrClaimType},
		{"type/iat_list", tok(`{"iss":"` + testTokenID + `","iat":[1],"exp":` + i64(now+1800) + `}`), now, ErrClaimType},
		{"type/exp_float_truncated_valid", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `.9,"exp":` + i64(now-9) + `.5}`), now, nil},
		{"type/exp_float_truncated_expired", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now-10) + `.99}`), now, ErrExpired},
		{"type/iat_float_truncated_inside_leeway", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now+10) + `.9,"exp":` + i64(now+1800) + `}`), now, nil},
		{"type/exp_exponent_form", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":1.7e10}`), now, nil},
		{"type/exp_negative_fraction", tok(`{"iss":"` + testTokenID + `","iat":-0.5,"exp":` + i64(now+1800) + `}`), now, nil},
		{"type/exp_true_is_1", tok(`{"iss":"` + testTokenID + `","iat":false,"exp":true}`), now, ErrExpired},
		{"type/iat_false_is_0", tok(`{"iss":"` + testTokenID + `","iat":false,"exp":` + i64(now+1800) + `}`), now, nil},
		{"type/exp_beyond_int64", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":123456789012345678901234567890}`), now, nil},
		{"type/exp_beyond_int64_negative", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":-123456789012345678901234567890}`), now, ErrExpired},
		{"type/iat_beyond_int64", tok(`{"iss":"` + testTokenID + `","iat":123456789012345678901234567890,"exp":` + i64(now+1800) + `}`), now, ErrNotYetValid},
		{"type/exp_infinite", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":1e400}`), now, ErrClaimType},
		{"type/nbf_string", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"nbf":"0"}`), now, ErrClaimType},
		{"dup/last_exp_wins", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":1,"exp":` + i64(now+1800) + `}`), now, nil},
		{"dup/last_iss_wins", tok(`{"iss":"` + testTokenID + `","iss":"x","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `}`), now, ErrIssuer},
		{"aud/string", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":"x"}`), now, ErrAudience},
		{"aud/list", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":["x"]}`), now, ErrAudience},
		{"aud/number", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":-0.1}`), now, ErrAudience},
		{"aud/true", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":true}`), now, ErrAudience},
		{"aud/object", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":{"a":1}}`), now, ErrAudience},
		{"sub/string_ok", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"sub":"u"}`), now, nil},
		{"sub/number", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"sub":1}`), now, ErrClaimType},
		{"sub/null", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"sub":null}`), now, ErrClaimType},
		{"jti/string_ok", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"jti":"j"}`), now, nil},
		{"jti/list", tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"jti":["j"]}`), now, ErrClaimType},
	}
	// Python's false values for aud are ignored, as PyJWT ignores them.
	for _, aud := range []string{`null`, `false`, `0`, `-0`, `0.0`, `0e5`, `1e-400`, `""`, `[]`, `{}`} {
		cases = append(cases, verifyCase{"aud/python_false_" + aud, tok(`{"iss":"` + testTokenID + `","iat":` + i64(now) + `,"exp":` + i64(now+1800) + `,"aud":` + aud + `}`), now, nil})
	}

	return cases
}

// TestVerifyAccessToken runs accessTokenCases.
func TestVerifyAccessToken(t *testing.T) {
	key := NewKeyString(testJWTKey)
	for _, tc := range accessTokenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := Verify(tc.token, key, tc.now, AccessTokenOptions(testTokenID))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			if err == nil && claims.Issuer != testTokenID {
				t.Fatalf("Issuer = %q", claims.Issuer)
			}
			if err != nil {
				// No key at all must refuse too, whatever the token.
				if _, err2 := Verify(tc.token, nil, tc.now, AccessTokenOptions(testTokenID)); err2 == nil {
					t.Fatal("nil key verified a token")
				}
			}
		})
	}
}

// nonCanonical changes the last character of an unpadded segment so that it
// decodes to the same bytes in Python (whose decoder ignores the unused low
// bits) but is not the canonical encoding.
func nonCanonical(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

// TestVerifyAccessTokenAM21 checks a freshly signed access token's shape
// and claims (AM-21): iss is the refresh token id, exp-iat is 1800.
func TestVerifyAccessTokenAM21(t *testing.T) {
	key := NewKeyString(testJWTKey)
	tok := SignAccessToken(key, testTokenID, testNow, testNow+1800)
	want := mint(testJWTKey, stdHeader, accessPayload(testTokenID, testNow, testNow+1800))
	if tok != want {
		t.Fatalf("SignAccessToken = %s\nwant            %s", tok, want)
	}
	p, err := Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	if iss, ok := p.Issuer(); !ok || iss != testTokenID {
		t.Fatalf("Issuer = %q, %v", iss, ok)
	}
	c, err := p.VerifyAccessToken(key, testTokenID, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != testTokenID || c.IssuedAt != testNow || c.Expires-c.IssuedAt != 1800 {
		t.Fatalf("claims = %+v", c)
	}
	if got := c.Payload.Obj; len(got) != 3 || got[0].Key != "iss" || got[1].Key != "iat" || got[2].Key != "exp" {
		t.Fatalf("payload members = %+v", got)
	}
	// Signing does not touch the key: the same key still verifies.
	if _, err := Verify(SignAccessToken(key, testTokenID, testNow, testNow+1800), key, testNow, AccessTokenOptions(testTokenID)); err != nil {
		t.Fatal(err)
	}
}

// TestUnknownIssuer covers §4.5 step 3 and AM-36: an iss that names no
// refresh token is verified with the empty key and issuer "" and refused.
func TestUnknownIssuer(t *testing.T) {
	now := testNow
	cases := []struct {
		name  string
		token string
		want  error
	}{
		// Forged with the empty key and iss "": passes every check, refused
		// only because there is no key, after the same work as a real one.
		{"AM-36/forged_with_empty_key", mint("", stdHeader, accessPayload("", now, now+1800)), ErrNoKey},
		{"AM-36/key_removed", mint(testJWTKey, stdHeader, accessPayload(testTokenID, now, now+1800)), ErrSignature},
		{"AM-36/empty_key_other_issuer", mint("", stdHeader, accessPayload(testTokenID, now, now+1800)), ErrIssuer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.token)
			if err != nil {
				t.Fatal(err)
			}
			iss, _ := p.Issuer()
			if _, err := p.VerifyAccessToken(nil, iss, now); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyAccessToken(nil) = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestSignedPathAndState checks the option sets of §9.2 and §7.10.
func TestSignedPathAndState(t *testing.T) {
	secret := strings.Repeat("0f", 32)
	key := NewKeyString(secret)
	now := testNow
	params := []Param{{"token", "abc"}, {"width", "10"}}
	path := SignPath(key, testTokenID, "/api/x", params, now, now+30)

	cases := []struct {
		name  string
		token string
		opts  VerifyOptions
		now   int64
		want  error
	}{
		{"signed_path/valid", path, SignedPathOptions(), now + 29, nil},
		{"signed_path/no_leeway_at_exp", path, SignedPathOptions(), now + 30, ErrExpired},
		{"signed_path/no_leeway_iat_future", path, SignedPathOptions(), now - 1, ErrNotYetValid},
		{"signed_path/issuer_not_checked", SignPath(key, "anything", "/api/x", nil, now, now+30), SignedPathOptions(), now, nil},
		{"signed_path/iss_may_be_any_json", mint(secret, stdHeader, `{"iss":[1],"path":"/","params":[],"iat":`+i64(now)+`,"exp":`+i64(now+30)+`}`), SignedPathOptions(), now, nil},
		{"signed_path/exp_required", mint(secret, stdHeader, `{"iss":"a","path":"/","params":[],"iat":`+i64(now)+`}`), SignedPathOptions(), now, ErrMissingClaim},
		{"signed_path/wrong_secret", SignPath(NewKeyString("x"), testTokenID, "/api/x", nil, now, now+30), SignedPathOptions(), now, ErrSignature},
		{"state/no_claims_needed", mint(secret, stdHeader, `{"flow_id":"f","redirect_uri":"https://x"}`), StateOptions(), now, nil},
		{"state/exp_checked_when_present_no_leeway", mint(secret, stdHeader, `{"flow_id":"f","exp":`+i64(now)+`}`), StateOptions(), now, ErrExpired},
		{"state/aud_refused", mint(secret, stdHeader, `{"flow_id":"f","aud":"x"}`), StateOptions(), now, ErrAudience},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.token, key, tc.now, tc.opts)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}

	c, err := Verify(path, key, now, SignedPathOptions())
	if err != nil {
		t.Fatal(err)
	}
	gotPath, gotParams, ok := c.SignedPath()
	if !ok || gotPath != "/api/x" || len(gotParams) != 2 || gotParams[0] != params[0] || gotParams[1] != params[1] {
		t.Fatalf("SignedPath = %q %v %v", gotPath, gotParams, ok)
	}
	for _, payload := range []string{
		`{"path":1,"params":[]}`,
		`{"params":[]}`,
		`{"path":"/"}`,
		`{"path":"/","params":[["a"]]}`,
		`{"path":"/","params":[["a","b","c"]]}`,
		`{"path":"/","params":[["a",1]]}`,
		`{"path":"/","params":{"a":"b"}}`,
	} {
		c, err := Verify(mint(secret, stdHeader, payload), key, now, StateOptions())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := c.SignedPath(); ok {
			t.Errorf("SignedPath accepted %s", payload)
		}
	}
}

func TestUnverifiedIssuer(t *testing.T) {
	cases := []struct {
		name, token, want string
		ok                bool
	}{
		{"string_iss", mint("k", stdHeader, accessPayload(testTokenID, 1, 2)), testTokenID, true},
		// HA's unverified decode does not look at alg or the signature.
		{"any_alg", mint("k", `{"alg":"none"}`, accessPayload(testTokenID, 1, 2)), testTokenID, true},
		{"bad_signature", enc(stdHeader) + "." + enc(accessPayload(testTokenID, 1, 2)) + ".", testTokenID, true},
		{"no_iss", mint("k", stdHeader, `{"iat":1}`), "", false},
		{"iss_not_string", mint("k", stdHeader, `{"iss":5}`), "", false},
		{"payload_array", mint("k", stdHeader, `["iss"]`), "", false},
		{"detached_payload", mint("k", `{"alg":"HS256","b64":false}`, accessPayload(testTokenID, 1, 2)), "", false},
		{"garbage", "abc.def", "", false},
		{"too_large", strings.Repeat("a", MaxTokenSize+1), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := UnverifiedIssuer(tc.token)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("UnverifiedIssuer = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}
