package orjson

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// storeDoc is what orjson.dumps(..., option=OPT_INDENT_2) gives for a small
// Home Assistant store: nested objects, an empty list, an empty object,
// non-ASCII text left unescaped, a float and a null.
const storeDoc = `{
  "version": 1,
  "minor_version": 1,
  "key": "auth",
  "data": {
    "users": [
      {
        "id": "c0ffee",
        "name": "Zoë \"Z\" <admin>",
        "group_ids": [
          "system-admin"
        ],
        "data": {},
        "expire_at": 1764579600.0,
        "client_name": null
      }
    ],
    "refresh_tokens": []
  }
}`

func TestEncoderIndentMatchesOrjsonLayout(t *testing.T) {
	e := NewEncoder(nil, true)
	e.BeginObject()
	e.Key("version")
	e.Int(1)
	e.Key("minor_version")
	e.Int(1)
	e.Key("key")
	e.String("auth")
	e.Key("data")
	e.BeginObject()
	e.Key("users")
	e.BeginArray()
	e.BeginObject()
	e.Key("id")
	e.String("c0ffee")
	e.Key("name")
	e.String(`Zoë "Z" <admin>`)
	e.Key("group_ids")
	e.BeginArray()
	e.String("system-admin")
	e.EndArray()
	e.Key("data")
	e.BeginObject()
	e.EndObject()
	e.Key("expire_at")
	e.Float(1764579600.0)
	e.Key("client_name")
	e.Null()
	e.EndObject()
	e.EndArray()
	e.Key("refresh_tokens")
	e.BeginArray()
	e.EndArray()
	e.EndObject()
	e.EndObject()
	assert.Equal(t, storeDoc, string(e.Bytes()))
}

func TestReencodeKeepsLayout(t *testing.T) {
	v, err := Parse([]byte(storeDoc))
	require.NoError(t, err)
	e := NewEncoder(nil, true)
	e.Value(v)
	assert.Equal(t, storeDoc, string(e.Bytes()))
	assert.Equal(t, `{"version":1,"minor_version":1,"key":"auth","data":{"users":[{"id":"c0ffee","name":"Zoë \"Z\" <admin>","group_ids":["system-admin"],"data":{},"expire_at":1764579600.0,"client_name":null}],"refresh_tokens":[]}}`,
		string(Marshal(v)))
}

// TestEncoderDeepNesting checks the layout past the 64 containers whose
// emptiness the encoder keeps in a bit mask: empty and filled containers at
// every depth, indented like orjson.
func TestEncoderDeepNesting(t *testing.T) {
	const depth = 150
	// want is the layout of [x, [x, [ ... [] ... ]]], with x = {} at odd
	// depths and {"k": 1} at even ones, written out by hand.
	var want func(d int) string
	pad := func(d int) string { return strings.Repeat("  ", d) }
	want = func(d int) string {
		if d == depth {
			return "[]"
		}
		x := "{}"
		if d%2 == 0 {
			x = "{\n" + pad(d+2) + `"k": 1` + "\n" + pad(d+1) + "}"
		}
		return "[\n" + pad(d+1) + x + ",\n" + pad(d+1) + want(d+1) + "\n" + pad(d) + "]"
	}
	e := NewEncoder(nil, true)
	var enc func(d int)
	enc = func(d int) {
		e.BeginArray()
		if d == depth {
			e.EndArray()
			return
		}
		e.BeginObject()
		if d%2 == 0 {
			e.Key("k")
			e.Int(1)
		}
		e.EndObject()
		enc(d + 1)
		e.EndArray()
	}
	enc(0)
	assert.Equal(t, want(0), string(e.Bytes()))
	// And once more after Reset, compact.
	e.Reset()
	e.indent = false
	enc(0)
	v, err := Parse([]byte(want(0)))
	require.NoError(t, err)
	assert.Equal(t, string(Marshal(v)), string(e.Bytes()))
}

func TestCompactRaw(t *testing.T) {
	e := NewEncoder(nil, false)
	e.BeginObject()
	e.Key("a")
	e.Raw([]byte(`{"b":[1,2]}`))
	e.Key("c")
	e.Bool(false)
	e.EndObject()
	assert.Equal(t, `{"a":{"b":[1,2]},"c":false}`, string(e.Bytes()))

	e = NewEncoder(nil, true)
	e.BeginArray()
	e.Raw([]byte(`{"b":[]}`))
	e.EndArray()
	assert.Equal(t, "[\n  {\n    \"b\": []\n  }\n]", string(e.Bytes()))
}

// TestFloatLikeOrjson pins orjson's float layout (its zmij writer, which is
// ryu's layout with a '+' on positive exponents; the zmij cases are from its
// own tests). Python's repr differs below 1e-4 and in exponent padding.
func TestFloatLikeOrjson(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{1764579600.0, "1764579600.0"},
		{1724133771.079745, "1724133771.079745"},
		{1800, "1800.0"},
		{7776000, "7776000.0"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{0.1, "0.1"},
		{0.0001, "0.0001"},
		{1.5e-05, "0.000015"},
		{1e-05, "0.00001"},
		{9.99e-06, "9.99e-6"},
		{2e-06, "2e-6"},
		{1e16, "1e+16"},
		{9999999999999998, "9999999999999998.0"},
		{1.2e30, "1.2e+30"},
		{123456789012345680000.0, "1.2345678901234568e+20"},
		{123456789012345.6, "123456789012345.6"},
		{6.62607015e-34, "6.62607015e-34"},
		{5.444310685350916e+14, "544431068535091.6"},
		{5e-324, "5e-324"},
		{-4.932096661796888e-226, "-4.932096661796888e-226"},
		{3.439070283483335e+35, "3.439070283483335e+35"},
		{43210.0, "43210.0"},
		{-5942736479622170.0, "-5942736479622170.0"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
	} {
		assert.Equal(t, tc.want, string(AppendFloat(nil, tc.f)), "%v", tc.f)
	}
}

func TestFloatTimestampFromMicros(t *testing.T) {
	// Python: datetime.timestamp() is total microseconds / 10**6, a correctly
	// rounded division; Go's float64 division is too.
	us := int64(1764579600123456)
	assert.Equal(t, "1764579600.123456", string(AppendFloat(nil, float64(us)/1e6)))
	assert.Equal(t, "1772355600.123456", string(AppendFloat(nil, float64(us)/1e6+7776000)))
}

func TestStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain":          `"plain"`,
		"a\"b\\c":        `"a\"b\\c"`,
		"\n\r\t\b\f":     `"\n\r\t\b\f"`,
		"\x00\x1f\x7f":   `"\u0000\u001f` + "\x7f" + `"`,
		"</script>&":     `"</script>&"`,
		"日本\u2028":       "\"日本\u2028\"",
		"bad\xffutf8":    "\"bad\ufffdutf8\"",
		"slash/is/plain": `"slash/is/plain"`,
	} {
		got := AppendString(nil, in)
		assert.Equal(t, want, string(got), "%q", in)
		var back string
		require.NoError(t, json.Unmarshal(got, &back))
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{`, `[1,]`, `{"a":1,}`, `NaN`, `Infinity`, `-Infinity`, `01`, `1.`, `.5`, `1e`, `+1`,
		`"\x01"`, `"abc`, `"\ud800"`, `"\udc00\ud800"`, `"\u12"`, `"\q"`, `{"a" 1}`, `{1:2}`, `[1 2]`,
		`true false`, `nul`, `"` + "\xff" + `"`, `// c` + "\n1", `'a'`,
	} {
		_, err := Parse([]byte(in))
		assert.Error(t, err, "%q", in)
	}
}

func TestParseAccepts(t *testing.T) {
	v, err := Parse([]byte(` {"b": [1, -0.5e3, "x\u00e9\ud83d\ude00", true, null, {}], "a": false, "b": 2} `))
	require.NoError(t, err)
	require.Equal(t, Object, v.Kind)
	// A repeated key keeps its first place and takes its last value.
	require.Len(t, v.Obj, 2)
	assert.Equal(t, "b", v.Obj[0].Key)
	i, ok := v.Obj[0].Value.Int()
	assert.True(t, ok)
	assert.EqualValues(t, 2, i)
	a, _ := v.Get("a")
	assert.Equal(t, Bool, a.Kind)
	assert.False(t, v.Has("c"))

	v, err = Parse([]byte(`[1, 1.0, 1e2, "s\u00e9\ud83d\ude00"]`))
	require.NoError(t, err)
	assert.True(t, v.Arr[0].IsInt())
	assert.False(t, v.Arr[1].IsInt())
	assert.False(t, v.Arr[2].IsInt())
	assert.Equal(t, "sé😀", v.Arr[3].Str)
	_, ok = Value{Kind: Number, Str: "99999999999999999999"}.Int()
	assert.False(t, ok, "out of int64 range")
}

func TestParseRepeatedKeysInLargeObject(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 100; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + string(rune('a'+i%26)) + `":` + IntValue(int64(i)).Str)
	}
	b.WriteString("}")
	v, err := Parse([]byte(b.String()))
	require.NoError(t, err)
	require.Len(t, v.Obj, 26)
	last, _ := v.Get("ka")
	assert.Equal(t, "78", last.Str)
}

func TestParseDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	_, err := Parse([]byte(deep))
	assert.ErrorIs(t, err, ErrDepth)
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	_, err = Parse([]byte(ok))
	assert.NoError(t, err)
}

func TestParseMillionElementArray(t *testing.T) {
	doc := "[" + strings.Repeat("0,", 999_999) + "0]"
	v, err := Parse([]byte(doc))
	require.NoError(t, err)
	assert.Len(t, v.Arr, 1_000_000)
}

// vectorJSON are JSON documents of the conformance vectors: request
// bodies, websocket messages both ways and stored documents.
func vectorJSON(f *testing.F) [][]byte {
	s := vectorseeds.MustLoad(f)
	docs := append(append(s.Bodies("text/plain"), s.Frames...), s.Sent...)
	return append(vectorseeds.Spread(docs, 80), vectorseeds.Spread(s.Stored(), 20)...)
}

// plainValue turns v into what encoding/json decodes with UseNumber.
func plainValue(v Value) any {
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return json.Number(v.Str)
	case String:
		return v.Str
	case Array:
		a := make([]any, len(v.Arr))
		for i, it := range v.Arr {
			a[i] = plainValue(it)
		}
		return a
	case Object:
		m := make(map[string]any, len(v.Obj))
		for _, it := range v.Obj {
			m[it.Key] = plainValue(it.Value)
		}
		return m
	}
	return nil
}

func FuzzParse(f *testing.F) {
	for _, b := range vectorJSON(f) {
		f.Add(b)
	}
	for _, s := range []string{storeDoc, `{"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"x"}`,
		`[{"id":1,"type":"ping"}]`, `"\ud83d\ude00"`, `-0.0e-0`, `{"a":1,"a":2}`, string(escapedDoc()),
		`"a\\b\"c\/d\b\f\n\r\t\u00e9\ud83d\ude00 plain text after eight bytes"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		std := json.Valid(data)
		if err != nil {
			return
		}
		if !std {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		// With a limit, a valid document parses the same or is refused
		// for its size, nothing else.
		lv, lerr := ParseLimited(data, 8)
		if lerr == nil && string(Marshal(lv)) != string(Marshal(v)) || lerr != nil && lerr != ErrTooManyValues {
			t.Fatalf("ParseLimited(%q, 8) = %v, %v", data, Marshal(lv), lerr)
		}
		// encoding/json reads the same strings, keys and number literals.
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json refuses %q: %v", data, err)
		}
		if !reflect.DeepEqual(plainValue(v), want) {
			t.Fatalf("Parse read %q as %#v, encoding/json as %#v", data, plainValue(v), want)
		}
		// What we write back must parse to the same thing, in both layouts.
		for _, indent := range []bool{false, true} {
			e := NewEncoder(nil, indent)
			e.Value(v)
			v2, err := Parse(e.Bytes())
			if err != nil {
				t.Fatalf("re-encoded %q does not parse: %v", e.Bytes(), err)
			}
			if string(Marshal(v2)) != string(Marshal(v)) {
				t.Fatalf("round trip changed %q", data)
			}
		}
	})
}

func BenchmarkParseLoginBody(b *testing.B) {
	body := []byte(`{"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"https://example.com/app/callback"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseLimited(t *testing.T) {
	cases := []struct {
		doc  string
		max  int
		fail bool
	}{
		{`0`, 1, false},
		{`0`, 0, true},
		{`[]`, 1, false},
		{`[0,0]`, 3, false},
		{`[0,0]`, 2, true},
		{`{"a":[1,{"b":null}]}`, 5, false},
		{`{"a":[1,{"b":null}]}`, 4, true},
		// A repeated key's values each count: the document said them.
		{`{"a":1,"a":2}`, 3, false},
		{`{"a":1,"a":2}`, 2, true},
	}
	for _, tc := range cases {
		v, err := ParseLimited([]byte(tc.doc), tc.max)
		if tc.fail {
			assert.ErrorIs(t, err, ErrTooManyValues, "%s with %d", tc.doc, tc.max)
			continue
		}
		require.NoError(t, err, "%s with %d", tc.doc, tc.max)
		want, _ := Parse([]byte(tc.doc))
		assert.Equal(t, want, v)
	}
	// Invalid JSON within the limit is still a syntax error.
	_, err := ParseLimited([]byte(`[0,]`), 10)
	var se *SyntaxError
	assert.ErrorAs(t, err, &se)
}

// TestParseLimitedStopsEarly checks that a document beyond the limit costs
// no more than the limit in memory: a million-element array parsed with a
// limit of a thousand allocates about what a thousand values take, not a
// million.
func TestParseLimitedStopsEarly(t *testing.T) {
	doc := []byte("[" + strings.Repeat("0,", 999_999) + "0]")
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := ParseLimited(doc, 1000); err != ErrTooManyValues {
			t.Fatalf("err = %v", err)
		}
	})
	// append doubles the array's backing store: about log2(1000) growths
	// plus the strings of the numbers.
	assert.Less(t, allocs, 1100.0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	v, err := ParseLimited(doc, 1000)
	runtime.ReadMemStats(&after)
	assert.ErrorIs(t, err, ErrTooManyValues)
	assert.Equal(t, Value{}, v)
	// A thousand values of 72 bytes, doubled by append's growth, and the
	// strings of the numbers: well under a MiB.
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated")
}

// escapedDoc is a stored document as the wire carries it inside a Load: a
// JSON string full of escapes.
func escapedDoc() []byte {
	return AppendString(nil, strings.Repeat(storeDoc, 8))
}

func BenchmarkParseEscapedDocument(b *testing.B) {
	doc := escapedDoc()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStoredDocument(b *testing.B) {
	doc := []byte(storeDoc)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := NewDecoder(doc).Skip(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeStoredDocument(b *testing.B) {
	v, err := Parse([]byte(storeDoc))
	require.NoError(b, err)
	e := NewEncoder(nil, true)
	b.ReportAllocs()
	for b.Loop() {
		e.Reset()
		e.Value(v)
	}
	b.SetBytes(int64(len(e.Bytes())))
}

// appendStringByByte is appendString as it was first written, a byte at a
// time: the reference for the word-at-a-time version.
func appendStringByByte(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"':
				b = append(b, '\\', '"')
			case c == '\\':
				b = append(b, '\\', '\\')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// TestAppendStringEveryPosition puts each kind of byte that needs a look
// at every position of strings up to two words long.
func TestAppendStringEveryPosition(t *testing.T) {
	for _, odd := range []string{`"`, `\`, "\n", "\x01", "\x7f", "é", "\xff", "\xe2\x82", "😀"} {
		for n := 0; n <= 17; n++ {
			for at := 0; at <= n; at++ {
				s := strings.Repeat("a", at) + odd + strings.Repeat("b", n-at)
				want := string(appendStringByByte(nil, s))
				if got := string(appendString(nil, s)); got != want {
					t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
				}
				if got := string(appendString(nil, []byte(s))); got != want {
					t.Fatalf("appendString([]byte(%q)) = %s, want %s", s, got, want)
				}
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain ascii text", "tab\there \"quoted\" back\\slash", "é😀\xff\xfe", "\x00\x1f\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := string(appendStringByByte(nil, s))
		if got := string(appendString(nil, s)); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
		e := NewEncoder(nil, false)
		e.StringBytes([]byte(s))
		if got := string(e.Bytes()); got != want {
			t.Fatalf("StringBytes(%q) = %s, want %s", s, got, want)
		}
	})
}
