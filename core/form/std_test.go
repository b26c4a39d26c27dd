package form

import (
	"bytes"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The multipart and media-type parsers are checked against the standard
// library, which Parse used before: stdParse is that implementation.

// stdParse is Parse as it was written on mime and mime/multipart.
func stdParse(contentType string, body []byte) (Values, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, nil
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		return ParseURLEncoded(body)
	case "multipart/form-data":
		boundary := params["boundary"]
		if boundary == "" {
			return nil, nil
		}
		mr := multipart.NewReader(bytes.NewReader(body), boundary)
		var out Values
		for {
			p, err := mr.NextPart()
			if err != nil {
				return out, nil
			}
			name := p.FormName()
			if name == "" {
				continue
			}
			if len(out) == MaxFields {
				return nil, ErrTooManyFields
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return out, nil
			}
			out = append(out, Field{Name: name, Value: strings.ToValidUTF8(string(data), "\uFFFD")})
		}
	}
	return nil, nil
}

func requireSameAsStd(t *testing.T, contentType string, body []byte) {
	t.Helper()
	want, wantErr := stdParse(contentType, body)
	got, gotErr := Parse(contentType, body)
	require.Equal(t, wantErr, gotErr, "content type %q body %q", contentType, body)
	require.Equal(t, want, got, "content type %q body %q", contentType, body)
}

func requireSameMediaType(t *testing.T, v string) {
	t.Helper()
	wantType, wantParams, err := mime.ParseMediaType(v)
	gotType, gotParams, ok := parseMediaType(v)
	require.Equal(t, err == nil, ok, "%q: %v", v, err)
	if ok {
		require.Equal(t, wantType, gotType, "%q", v)
		require.Equal(t, wantParams, gotParams, "%q", v)
	}
}

var mediaTypeCases = []string{
	"", " ", "multipart/form-data", "Multipart/Form-Data; Boundary=AbC", "multipart/form-data;boundary=x;",
	"multipart/form-data; boundary=x; ;", "multipart/form-data; boundary=\"a b\\\"c\\d\"", "multipart/form-data; boundary=\"unterminated",
	"multipart/form-data; boundary=", "multipart/form-data; boundary", "multipart/form-data; =x", "multipart/form-data boundary=x",
	"multipart/", "/form-data", "multipart//x", "multipart/form-data/x", "text", "form-data; name=token",
	"form-data; name=\"a\"; name=\"a\"", "form-data; name=\"a\"; name=\"b\"", "form-data; name=\"a\r\nb\"",
	"form-data; name*=UTF-8''%E2%82%AC%20x", "form-data; name*=utf-8'en'a%2", "form-data; name*=iso-8859-1''%E4",
	"form-data; name*0=a; name*1=b; name*2*=%41", "form-data; name*0*=us-ascii''%41; name*1*=%42%4", "form-data; name*1=b",
	"form-data; name=plain; name*=utf-8''enc", "form-data; name=plain; name*0=x", "form-data; name*=bad",
	"form-data;\u00a0name=x", "form-data;\u2003name=x", "\u212aelvin/x", "FORM-DATA; NAME=X",
	"multipart/form-data; boundary=x; boundary*0=y", "multipart/form-data; boundary*=UTF-8''a%20b",
	"multipart/form-data; boundary=x;;", "text/plain; charset=utf-8 ; ", "text/plain; a=1 b=2",
	"form-data; filename=\"C:\\dir\\f.txt\"; name=f", "a/b; x=\"\"", "a/b; x=\"\\", "a/b; x=\"\\\"",
}

func TestMediaTypeMatchesStd(t *testing.T) {
	for _, v := range mediaTypeCases {
		requireSameMediaType(t, v)
	}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "B", "/", ";", "=", "\"", "\\", " ", "\t", "*", "0", "1", "'", "%", "4", "1", "utf-8", "\u00a0", "\xff", "\r", "\n", "name", "boundary", "form-data", "multipart/form-data"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(14); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		requireSameMediaType(t, b.String())
	}
}

// bodyGen writes multipart bodies with the features and the damage the
// standard reader has rules for.
type bodyGen struct {
	r        *rand.Rand
	boundary string
	nl       string
	// rough adds the header lines the standard reader refuses, and damage.
	rough bool
}

func (g *bodyGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *bodyGen) count(n ...int) int { return n[g.r.IntN(len(n))] }

func (g *bodyGen) header() string {
	n := g.r.IntN(14)
	if !g.rough && n >= 7 && n <= 11 {
		n = 13
	}
	switch n {
	case 0:
		return "Content-Type: text/plain"
	case 1:
		return "content-disposition: form-data; name=\"" + g.pick("token", "a b", "x\\\"y", "") + "\""
	case 2:
		return "Content-Disposition: form-data;" + g.nl + " name=" + g.pick("folded", "\"q\"")
	case 3:
		return "Content-Transfer-Encoding: " + g.pick("quoted-printable", "QUOTED-PRINTABLE", "8bit", "base64")
	case 4:
		return "Content-Disposition : form-data; name=spaced"
	case 5:
		return "Content-Disposition: attachment; name=att"
	case 6:
		return "Content-Disposition: form-data; name*=UTF-8''%E2%82%AC"
	case 7:
		return " leading: space"
	case 8:
		return "Bad\x01Key: v"
	case 9:
		return "X: bad\x7fvalue"
	case 10:
		return "no colon here"
	case 11:
		return "X-Long: " + strings.Repeat("v", g.count(4000, 4100, 5000))
	case 12:
		return "Content-Disposition: form-data; name=" + g.pick("second", "\"dup\"; name=\"dup\"", "\"dup\"; name=\"other\"")
	}
	return "Content-Disposition: form-data; name=\"f" + strconv.Itoa(g.r.IntN(5)) + "\""
}

func (g *bodyGen) data() string {
	var b strings.Builder
	for n := g.r.IntN(6); n > 0; n-- {
		switch g.r.IntN(12) {
		case 0:
			b.WriteString(g.nl)
		case 1:
			b.WriteString("--" + g.boundary + g.pick("", "x", "-", "--", " ", "\t"))
		case 2:
			b.WriteString("=" + g.pick("41", "4", "", "zz", "\r\n", "\n", " \r\n", "3D", "="))
		case 3:
			b.WriteString(strings.Repeat(g.pick("a", "é", "\r", "\n", " ", "\x00"), g.count(1, 2, 4090, 4095, 4096, 4097, 9000)))
		case 4:
			b.WriteString(g.nl + "--" + g.boundary[:g.r.IntN(len(g.boundary)+1)])
		case 5:
			b.WriteString("\xff\xfe invalid utf-8")
		case 6:
			b.WriteString("trailing space \t" + g.nl)
		default:
			b.WriteString(g.pick("abc", "refresh_token", "http://127.0.0.1:8123/", "x y"))
		}
	}
	return b.String()
}

func (g *bodyGen) body() []byte {
	var b strings.Builder
	if g.r.IntN(4) == 0 {
		b.WriteString(g.pick("preamble", "preamble"+g.nl+"more", strings.Repeat("p", 5000)) + g.nl)
	}
	for n := g.r.IntN(5); n > 0; n-- {
		if g.rough {
			b.WriteString("--" + g.boundary + g.pick("", "", " ", "\t ", "x") + g.nl)
		} else {
			b.WriteString("--" + g.boundary + g.pick("", "", "", " ", "\t ") + g.nl)
			b.WriteString("Content-Disposition: form-data; name=" + g.pick("a", "b", "\"c d\"") + g.nl)
		}
		for h := g.r.IntN(4); h > 0; h-- {
			b.WriteString(g.header() + g.pick(g.nl, g.nl, "\r\n", "\n"))
		}
		if g.rough {
			b.WriteString(g.pick(g.nl, g.nl, g.nl, ""))
		} else {
			b.WriteString(g.nl)
		}
		b.WriteString(g.data())
		b.WriteString(g.pick(g.nl, g.nl, g.nl, "", g.nl+g.nl))
	}
	switch g.r.IntN(5) {
	case 0:
	case 1:
		b.WriteString("--" + g.boundary + "--")
	case 2:
		b.WriteString("--" + g.boundary + "-- \t" + g.nl + "epilogue")
	default:
		b.WriteString("--" + g.boundary + "--" + g.nl)
	}
	out := []byte(b.String())
	if !g.rough {
		return out
	}
	// Damage: cut the body short or change one byte.
	switch g.r.IntN(6) {
	case 0:
		out = out[:g.r.IntN(len(out)+1)]
	case 1:
		if len(out) > 0 {
			out[g.r.IntN(len(out))] = g.pick("\r", "\n", "-", " ", "x", "=")[0]
		}
	}
	return out
}

func TestMultipartMatchesStd(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		g := &bodyGen{r: r, nl: "\r\n", boundary: "xYz", rough: i%2 == 0}
		if r.IntN(3) == 0 {
			g.nl = "\n"
		}
		switch r.IntN(8) {
		case 0:
			g.boundary = "-"
		case 1:
			g.boundary = strings.Repeat("b", r.IntN(5000)+1)
		case 2:
			g.boundary = "a b"
		}
		body := g.body()
		requireSameAsStd(t, "multipart/form-data; boundary=\""+g.boundary+"\"", body)
	}
}

func TestMultipartFromStdWriter(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 2000; i++ {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for n := r.IntN(6); n > 0; n-- {
			name := strings.Repeat("n", r.IntN(3)) + strconv.Itoa(r.IntN(100))
			value := make([]byte, r.IntN(9000))
			for j := range value {
				value[j] = "a\r\n-=é\x00"[r.IntN(8)]
			}
			require.NoError(t, w.WriteField(name, string(value)))
		}
		require.NoError(t, w.Close())
		requireSameAsStd(t, w.FormDataContentType(), buf.Bytes())
	}
}

func TestMultipartManyFieldsMatchesStd(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= MaxFields; i++ {
		b.WriteString("--x\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n")
	}
	b.WriteString("--x--\r\n")
	requireSameAsStd(t, "multipart/form-data; boundary=x", []byte(b.String()))
	_, err := Parse("multipart/form-data; boundary=x", []byte(b.String()))
	require.ErrorIs(t, err, ErrTooManyFields)
}

// TestMultipartHeaderLimits: the header line count limit of the standard
// reader (10000) ends the form there.
func TestMultipartHeaderLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x\r\n")
	for i := 0; i < maxHeaderLines; i++ {
		b.WriteString("X: 1\r\n")
	}
	b.WriteString("Content-Disposition: form-data; name=b\r\n\r\n2\r\n--x--\r\n")
	requireSameAsStd(t, "multipart/form-data; boundary=x", []byte(b.String()))
	v, _ := Parse("multipart/form-data; boundary=x", []byte(b.String()))
	require.Equal(t, Values{{"a", "1"}}, v)
}

func FuzzMediaTypeMatchesStd(f *testing.F) {
	for _, v := range mediaTypeCases {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		requireSameMediaType(t, v)
	})
}

func FuzzMultipartMatchesStd(f *testing.F) {
	f.Add("xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nabc\r\n--xyz--\r\n"))
	f.Add("xyz", []byte("preamble\n--xyz\nContent-Disposition: form-data; name=a\n\n1\n--xyz\ncontent-disposition: form-data;\n name=b\n\n2\n--xyz--"))
	f.Add("xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=q\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc =zz\r\n--xyz--\r\n"))
	f.Add("xyz", []byte("--xyz\r\nContent-Disposition: form-data; name*=UTF-8''%E2%82%AC\r\n\r\n--xyz\r\n\r\n\r\n--xyz--"))
	f.Add("xyz", []byte("--xyz \t\r\nX: a\r\n b\r\n\r\n\r\n--xyzz\r\n--xyz-x\r\n--xyz--\r\nepilogue"))
	f.Add("xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--xyz\r\nbroken"))
	f.Add("b", []byte("--b\r\n"+strings.Repeat("X", 5000)+"\r\n\r\n--b--"))
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		requireSameAsStd(t, "multipart/form-data; boundary=\""+boundary+"\"", body)
	})
}
