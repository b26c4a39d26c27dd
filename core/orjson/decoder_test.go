package orjson

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// walk rebuilds a Value through the Decoder's typed reads, keeping a
// repeated key's first place and last value as Parse does.
func walk(d *Decoder) (Value, error) {
	k, err := d.Peek()
	if err != nil {
		return Value{}, err
	}
	switch k {
	case Object:
		v := Value{Kind: Object, Obj: []Member{}}
		err := d.Object(func(key []byte) error {
			val, err := walk(d)
			if err != nil {
				return err
			}
			for i := range v.Obj {
				if v.Obj[i].Key == string(key) {
					v.Obj[i].Value = val
					return nil
				}
			}
			v.Obj = append(v.Obj, Member{Key: string(key), Value: val})
			return nil
		})
		return v, err
	case Array:
		v := Value{Kind: Array, Arr: []Value{}}
		err := d.Array(func(int) error {
			val, err := walk(d)
			v.Arr = append(v.Arr, val)
			return err
		})
		return v, err
	case String:
		s, err := d.String()
		return StringValue(s), err
	case Number:
		b, err := d.NumberBytes()
		return Value{Kind: Number, Str: string(b)}, err
	case Bool:
		b, err := d.Bool()
		return BoolValue(b), err
	default:
		return Value{}, d.Null()
	}
}

func decodeAll(data []byte) (Value, error) {
	d := NewDecoder(data)
	v, err := walk(d)
	if err != nil {
		return Value{}, err
	}
	return v, d.Finish()
}

func skipAll(data []byte) error {
	d := NewDecoder(data)
	if err := d.Skip(); err != nil {
		return err
	}
	return d.Finish()
}

func TestDecoderMatchesParse(t *testing.T) {
	for _, in := range []string{
		storeDoc,
		` {"b": [1, -0.5e3, "x\u00e9\ud83d\ude00", true, null, {}], "a": false, "b": 2} `,
		`[]`, `{}`, `"s"`, `0`, `-1.5E+3`, `null`, `true`, `[[[]]]`,
		`{"k\n\u00e9y": "v\talue", "k\n\u00e9y": "w\u00e9"}`,
	} {
		want, err := Parse([]byte(in))
		require.NoError(t, err, in)
		got, err := decodeAll([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, string(Marshal(want)), string(Marshal(got)), in)
		assert.NoError(t, skipAll([]byte(in)), in)
	}
}

func TestDecoderRejectsWhatParseRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{`, `[1,]`, `{"a":1,}`, `NaN`, `01`, `1.`, `"\x01"`, `"\ud800"`, `{"a" 1}`,
		`{1:2}`, `[1 2]`, `true false`, `nul`, `"` + "\xff" + `"`, `{"a":[}`, `{"a":1}}`,
	} {
		_, err := decodeAll([]byte(in))
		assert.Error(t, err, "%q", in)
		assert.Error(t, skipAll([]byte(in)), "%q", in)
	}
}

func TestDecoderEscapedKeySurvivesEscapedValue(t *testing.T) {
	d := NewDecoder([]byte(`{"us\u00e9r": "s\u00e9cret", "plain": "x"}`))
	var keys, vals []string
	require.NoError(t, d.Object(func(key []byte) error {
		v, err := d.StringBytes()
		keys = append(keys, string(key))
		vals = append(vals, string(v))
		return err
	}))
	assert.Equal(t, []string{"usér", "plain"}, keys)
	assert.Equal(t, []string{"sécret", "x"}, vals)
}

func TestDecoderTypeMismatch(t *testing.T) {
	d := NewDecoder([]byte(`{"a": 1}`))
	err := d.Object(func([]byte) error {
		_, err := d.String()
		return err
	})
	var se *SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "expected string, found number", se.Msg)
	assert.Equal(t, 6, se.Offset)
}

func TestDecoderCallbackMustReadValue(t *testing.T) {
	d := NewDecoder([]byte(`{"a": 1}`))
	assert.Error(t, d.Object(func([]byte) error { return nil }))
	d = NewDecoder([]byte(`[1]`))
	assert.Error(t, d.Array(func(int) error { return nil }))
}

func TestDecoderDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	assert.ErrorIs(t, skipAll([]byte(deep)), ErrDepth)
	_, err := decodeAll([]byte(deep))
	assert.ErrorIs(t, err, ErrDepth)
	ok := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	assert.NoError(t, skipAll([]byte(ok)))

	// A scalar as deep as a refused container is refused too, as Parse
	// refuses it.
	for _, doc := range []string{
		strings.Repeat("[", MaxDepth) + "1" + strings.Repeat("]", MaxDepth),
		strings.Repeat("[", MaxDepth-1) + "1" + strings.Repeat("]", MaxDepth-1),
	} {
		_, perr := Parse([]byte(doc))
		serr := skipAll([]byte(doc))
		_, derr := decodeAll([]byte(doc))
		assert.Equal(t, perr == nil, serr == nil, "Parse %v, Skip %v", perr, serr)
		assert.Equal(t, perr == nil, derr == nil, "Parse %v, decoder %v", perr, derr)
	}

	// Value counts the containers the decoder has already opened.
	inner := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	d := NewDecoder([]byte("[" + inner + "]"))
	err = d.Array(func(int) error { _, err := d.Value(); return err })
	assert.ErrorIs(t, err, ErrDepth)
}

func TestDecoderOffset(t *testing.T) {
	doc := []byte(`{"a": [1, 2], "data": {"x": "y"}}`)
	d := NewDecoder(doc)
	var start, end int
	require.NoError(t, d.Object(func(key []byte) error {
		if string(key) != "data" {
			return d.Skip()
		}
		_, _ = d.Peek()
		start = d.Offset()
		err := d.Skip()
		end = d.Offset()
		return err
	}))
	assert.Equal(t, `{"x": "y"}`, string(doc[start:end]))
}

func FuzzDecoder(f *testing.F) {
	for _, s := range []string{storeDoc, `{"a":1,"a":[2,{"b":null}]}`, `"\ud83d\ude00"`, `[1e5,-0.0,true]`, `{"k\u00e9":"\n"}`} {
		f.Add([]byte(s))
	}
	for _, b := range vectorJSON(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, perr := Parse(data)
		got, derr := decodeAll(data)
		serr := skipAll(data)
		if (perr == nil) != (derr == nil) || (perr == nil) != (serr == nil) {
			t.Fatalf("Parse err %v, decoder err %v, skip err %v for %q", perr, derr, serr, data)
		}
		if perr == nil && string(Marshal(want)) != string(Marshal(got)) {
			t.Fatalf("decoder gave %s, Parse %s", Marshal(got), Marshal(want))
		}
	})
}

// TestSkipSpaceEveryLength checks the whitespace skip on runs of every
// length and mix, with and without a value after them.
func TestSkipSpaceEveryLength(t *testing.T) {
	spaces := " \n\t\r"
	for n := 0; n < 20; n++ {
		for mix := 0; mix < 4; mix++ {
			run := make([]byte, n)
			for i := range run {
				run[i] = spaces[(i*mix+i/3)%4]
			}
			for _, tail := range []string{"", "1", "x", "\x00", "\x80"} {
				p := parser{data: append(append([]byte(nil), run...), tail...)}
				p.skipSpace()
				if p.pos != n {
					t.Fatalf("skipSpace(%q) stopped at %d, want %d", p.data, p.pos, n)
				}
			}
		}
	}
}
