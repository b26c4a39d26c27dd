package form

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

func TestParseURLEncodedLikeParseQSL(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Values
	}{
		{"grant_type=refresh_token&client_id=https%3A%2F%2Fexample.com%2Fapp",
			Values{{"grant_type", "refresh_token"}, {"client_id", "https://example.com/app"}}},
		{"a=1+2&b=%zz&c=%4", Values{{"a", "1 2"}, {"b", "%zz"}, {"c", "%4"}}},
		{"flag&=empty&&x=", Values{{"flag", ""}, {"", "empty"}, {"x", ""}}},
		{"a=b=c", Values{{"a", "b=c"}}},
		{"a=%ff", Values{{"a", "\ufffd"}}},
		{"a=1;b=2", Values{{"a", "1;b=2"}}},
		{"", nil},
	} {
		got, err := ParseURLEncoded([]byte(tc.in))
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestGetReturnsFirst(t *testing.T) {
	v, _ := ParseURLEncoded([]byte("token=a&token=b"))
	got, ok := v.Get("token")
	assert.True(t, ok)
	assert.Equal(t, "a", got)
	_, ok = v.Get("missing")
	assert.False(t, ok)
}

func multipartBody(t *testing.T, fields ...string) (string, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i < len(fields); i += 2 {
		require.NoError(t, w.WriteField(fields[i], fields[i+1]))
	}
	require.NoError(t, w.Close())
	return w.FormDataContentType(), buf.Bytes()
}

func TestParseMultipart(t *testing.T) {
	ct, body := multipartBody(t, "client_id", "http://127.0.0.1:8123/", "grant_type", "authorization_code", "code", "abc")
	v, err := Parse(ct, body)
	require.NoError(t, err)
	assert.Equal(t, Values{{"client_id", "http://127.0.0.1:8123/"}, {"grant_type", "authorization_code"}, {"code", "abc"}}, v)
}

func TestOtherContentTypesGiveNoFields(t *testing.T) {
	for _, ct := range []string{"application/json", "text/plain;charset=UTF-8", "", "multipart/form-data", "nonsense/;;"} {
		v, err := Parse(ct, []byte(`{"grant_type":"refresh_token"}`))
		require.NoError(t, err)
		assert.Empty(t, v, ct)
	}
}

func TestTooManyFields(t *testing.T) {
	_, err := ParseURLEncoded([]byte(strings.Repeat("a=1&", MaxFields+1)))
	assert.ErrorIs(t, err, ErrTooManyFields)
	_, err = ParseURLEncoded([]byte(strings.Repeat("a=1&", MaxFields)))
	assert.NoError(t, err)
}

func FuzzParse(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", []byte("grant_type=refresh_token&refresh_token=abc&client_id=http%3A%2F%2Fx%2F"))
	f.Add("application/x-www-form-urlencoded; charset=utf-8", []byte("action=revoke&token=%ZZ+%"))
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc\r\n--xyz--\r\n"))
	f.Add("multipart/form-data; boundary=xyz", []byte("--xyz\r\nbroken"))
	// The bodies of the conformance vectors, with their content types.
	for _, h := range vectorseeds.Spread(vectorseeds.MustLoad(f).HTTP, 150) {
		if len(h.Body) > 0 {
			f.Add(h.ContentType(), h.Body)
		}
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		v, err := Parse(ct, body)
		if err != nil {
			return
		}
		if len(v) > MaxFields {
			t.Fatalf("%d fields", len(v))
		}
		for _, fl := range v {
			if !utf8Valid(fl.Name) || !utf8Valid(fl.Value) {
				t.Fatalf("invalid UTF-8 in %q", fl)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
