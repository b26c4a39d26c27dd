package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// fuzzSchemas lists testSchemas by name, sorted, so runs are reproducible.
func fuzzSchemas() []*Schema {
	names := make([]string, 0, len(testSchemas))
	for n := range testSchemas {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]*Schema, len(names))
	for i, n := range names {
		out[i] = testSchemas[n]
	}
	return out
}

func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		`{"client_id":"https://a/","handler":["homeassistant",null],"redirect_uri":"r"}`,
		`{"client_id":5,"handler":[1,2,3],"x":{"y":[true]}}`,
		`{"type":"auth","access_token":"a","api_password":"b","auth":1}`,
		`{"id":5,"type":"auth/delete_all_refresh_tokens","token_type":1e400}`,
		`{"id":8,"type":"auth/setup_mfa","user_input":{"code":"1"}}`,
		`{"inner":{"a":1,"b":"q"},"list":[{"k":"v"},{}]}`,
		`{"nested":[[1],["x"],2],"maybe":[null,{}]}`,
		`{"between":"éé","list":[1,2,3]}`,
		`{"a":1,"b":2,"x":3,"y":4,"z":"q"}`,
		`{"cs":-0,"i":true,"f":-0.0,"o":{"\u0000":"\u2028"}}`,
		`[]`, `null`, `"str"`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	var golden goldenFile[voluptuousCase]
	if data, err := os.ReadFile("testdata/voluptuous_cases.json"); err == nil && json.Unmarshal(data, &golden) == nil {
		for _, c := range golden.Cases {
			f.Add([]byte(c.Input))
		}
	}
	// The JSON bodies and websocket messages of the conformance vectors.
	vs := vectorseeds.MustLoad(f)
	for _, b := range vectorseeds.Spread(append(vs.Bodies("text/plain"), vs.Frames...), 80) {
		f.Add(b)
	}
	schemas := fuzzSchemas()
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := orjson.Parse(data)
		if err != nil {
			return
		}
		for _, s := range schemas {
			out, verr := s.Validate(in)
			if verr != nil {
				if len(verr.Errors) == 0 {
					t.Fatal("empty error")
				}
				msg := verr.Message()
				h := verr.Humanized(in)
				if !strings.Contains(h, msg+". Got ") {
					t.Fatalf("humanized %q lacks message %q", h, msg)
				}
				if !utf8.ValidString(h) {
					t.Fatalf("humanized not UTF-8: %q", h)
				}
				continue
			}
			again, verr := s.Validate(out)
			if verr != nil {
				t.Fatalf("output %s of %s does not validate: %s", orjson.Marshal(out), data, verr.Message())
			}
			if a, b := orjson.Marshal(out), orjson.Marshal(again); !bytes.Equal(a, b) {
				t.Fatalf("re-validation changed %s into %s", a, b)
			}
		}
	})
}

func FuzzPythonRepr(f *testing.F) {
	for _, seed := range []string{
		`"plain"`, `"it's"`, `"say \"hi\""`, `"both ' and \""`, `"back\\slash"`,
		`"\u0000\u001f\u007f\u0085\u00a0\u00ad"`, `"\u200b\u2028\ue000\ufeff\ud83d\ude00"`,
		`"café 中文 e\u0301"`, `-0`, `1e400`, `1e-400`, `0.1`, `1e16`, `123456789012345678901234567890`,
		`[1,[2,{}],{"a":[true,null]}]`, `{"k'":"v\"","é":1.5e-7}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := orjson.Parse(data)
		if err != nil {
			// Still exercise string repr on arbitrary text.
			r := PythonRepr(orjson.StringValue(string(data)))
			if !utf8.ValidString(r) {
				t.Fatalf("repr of %q not UTF-8", data)
			}
			return
		}
		r := PythonRepr(v)
		if !utf8.ValidString(r) {
			t.Fatalf("repr not UTF-8: %q", r)
		}
		if v.Kind == orjson.String {
			back, ok := decodePyStr(r)
			if !ok || back != v.Str {
				t.Fatalf("repr %s of %q decodes to %q (ok %v)", r, v.Str, back, ok)
			}
		}
		// The bounded writer humanize uses must agree with the full repr.
		h := string(appendHumanizedValue(nil, &v))
		if utf8.RuneCountInString(r) <= maxHumanizedValue {
			if h != r {
				t.Fatalf("short repr changed: %q vs %q", h, r)
			}
		} else {
			cut := string([]rune(r)[:maxHumanizedValue-3]) + "..."
			if h != cut {
				t.Fatalf("cut repr %q, want %q", h, cut)
			}
		}
	})
}

// decodePyStr reads a Python string literal as repr writes it, checking that
// only the escapes repr uses appear and that nothing needing an escape is
// left raw.
func decodePyStr(lit string) (string, bool) {
	if len(lit) < 2 || (lit[0] != '\'' && lit[0] != '"') || lit[len(lit)-1] != lit[0] {
		return "", false
	}
	q := lit[0]
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); {
		c := body[i]
		if c == q || c < 0x20 || c == 0x7f {
			return "", false
		}
		if c != '\\' {
			r, n := utf8.DecodeRuneInString(body[i:])
			if r >= 0x80 && !isPrintable(r) {
				return "", false
			}
			b.WriteString(body[i : i+n])
			i += n
			continue
		}
		if i+1 >= len(body) {
			return "", false
		}
		i++
		hexLen := 0
		switch body[i] {
		case '\\', '\'', '"':
			b.WriteByte(body[i])
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			hexLen = 2
		case 'u':
			hexLen = 4
		case 'U':
			hexLen = 8
		default:
			return "", false
		}
		i++
		if hexLen > 0 {
			if i+hexLen > len(body) {
				return "", false
			}
			n, err := strconv.ParseUint(body[i:i+hexLen], 16, 32)
			if err != nil {
				return "", false
			}
			b.WriteRune(rune(n))
			i += hexLen
		}
	}
	return b.String(), true
}
