package indieauth

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The tokenizer and the entity table are checked against
// golang.org/x/net/html, which they were taken from and which
// linkRedirectHrefs used before: xnetLinkRedirectHrefs and xnetNamedRef are
// that implementation.

// xnetRawTextElement lists the elements x/net/html switches to raw text
// after.
func xnetRawTextElement(name string) bool {
	switch name {
	case "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style",
		"textarea", "title", "xmp":
		return true
	}
	return false
}

// xnetLinkRedirectHrefs is linkRedirectHrefs as written on x/net/html.
func xnetLinkRedirectHrefs(body []byte) []string {
	var found []string
	for pos := 0; pos < len(body); {
		z := html.NewTokenizer(bytes.NewReader(body[pos:]))
		consumed, next := 0, -1
		for next < 0 {
			tt := z.Next()
			if tt == html.ErrorToken {
				return found
			}
			raw := z.Raw()
			consumed += len(raw)
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			name, attrs := scanTag(raw)
			lname := asciiLower(string(name))
			if lname == "link" || !isASCII(name) && pyLower(pyDecodeReplace(name)) == "link" {
				if href, ok := xnetRedirectHref(attrs); ok {
					found = append(found, href)
				}
			}
			switch {
			case lname == "plaintext" && tt == html.StartTagToken:
				return found
			case rawTextElement(lname) && tt == html.StartTagToken:
				end := rawTextEnd(body[pos+consumed:], lname)
				if end < 0 {
					return found
				}
				next = pos + consumed + end
			case xnetRawTextElement(lname):
				z.NextIsNotRawText()
			}
		}
		pos = next
	}
	return found
}

// xnetRedirectHref is redirectHref with references decoded through
// xnetNamedRef.
func xnetRedirectHref(attrs []tagAttr) (string, bool) {
	var rel, href []byte
	var hasRel, hasHref bool
	for _, a := range attrs {
		switch {
		case asciiEqualFold(a.key, "rel"):
			rel, hasRel = a.val, true
		case asciiEqualFold(a.key, "href"):
			href, hasHref = a.val, true
		}
	}
	if !hasRel || !hasHref || len(href) == 0 {
		return "", false
	}
	if xnetUnescapeAttr(pyDecodeReplace(rel)) != "redirect_uri" {
		return "", false
	}
	h := xnetUnescapeAttr(pyDecodeReplace(href))
	return h, h != ""
}

// xnetUnescapeAttr is unescapeAttr with named references decoded by
// x/net/html.
func xnetUnescapeAttr(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		amp := strings.IndexByte(s[i:], '&')
		if amp < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+amp])
		i += amp
		end, decoded, ok := charRef(s, i)
		if !ok {
			b.WriteByte('&')
			i++
			continue
		}
		if s[i+1] != '#' && s[end-1] != '=' {
			decoded = xnetNamedRef(s[i:end])
		}
		b.WriteString(decoded)
		i = end
	}
	return b.String()
}

// xnetNamedRef decodes "&name" or "&name;" through x/net/html's attribute
// decoding, by tokenizing it as a lone attribute value.
func xnetNamedRef(ref string) string {
	z := html.NewTokenizer(strings.NewReader(`<a v="` + ref + `">`))
	z.Next()
	_, v, _ := z.TagAttr()
	return string(v)
}

var xnetKinds = map[html.TokenType]tokenKind{
	html.ErrorToken: tokenEnd, html.TextToken: tokenText, html.StartTagToken: tokenStartTag,
	html.SelfClosingTagToken: tokenSelfClosingTag, html.EndTagToken: tokenEndTag,
	html.CommentToken: tokenComment, html.DoctypeToken: tokenDoctype,
}

// requireSameTokens compares the token kinds and raw bytes with
// x/net/html's, raw text switched off after every start tag as
// linkRedirectHrefs switched it off.
func requireSameTokens(t *testing.T, body []byte) {
	t.Helper()
	x := html.NewTokenizer(bytes.NewReader(body))
	z := newTokenizer(body)
	for i := 0; ; i++ {
		xt := x.Next()
		zt := z.next()
		if xnetKinds[xt] != zt || (zt != tokenEnd && !bytes.Equal(x.Raw(), z.raw())) {
			t.Fatalf("body %q token %d: x/net/html %v %q, tokenizer %v %q", body, i, xt, x.Raw(), zt, z.raw())
		}
		if zt == tokenEnd {
			return
		}
		if xt == html.StartTagToken || xt == html.SelfClosingTagToken {
			x.NextIsNotRawText()
		}
	}
}

func requireSameHrefs(t *testing.T, body []byte) {
	t.Helper()
	want, got := xnetLinkRedirectHrefs(body), linkRedirectHrefs(body)
	if strings.Join(want, "\x00") != strings.Join(got, "\x00") || len(want) != len(got) {
		t.Fatalf("body %q: x/net/html gives %q, tokenizer %q", body, want, got)
	}
}

var htmlSeeds = []string{
	"", "<", "<a", "<a>", "a<b", "<a/>", "<a b/>", "<a b=/>", "<a b='/'/>", "<a b=c/>", "<a b=c b=d/>", "<a B=c b=d/>",
	"<a =b>", "<a ==b>", "<a b = 'c'>", "<a b =>", "<a b=>", "<a\tb\nc\fd\re>", "<a/b/c>", "<A HREF=x>", "<a b=\"c>",
	"</", "</>", "</a>", "</a b='>'>", "</ a>", "</1>", "<!", "<!-", "<!--", "<!-->", "<!--->", "<!---->", "<!-- x -->",
	"<!-- x --!>", "<!-- x --!->", "<!-- x --!x-->", "<!-- x -- >-->", "<!DOCTYPE html>", "<!doctype", "<!DOCTYP",
	"<!DOCTYPE", "<!DOCTYPE ", "<!DOCTYPEx>", "<!DOCTYPX>", "<![CDATA[x]]>", "<?xml?>", "<?", "<1>", "< a>", "<<a>",
	"<script>x</script>", "<script/>", "<plaintext>", "<textarea><link rel=redirect_uri href=/t></textarea>",
	"<link rel=redirect_uri href=/x>", "<link rel=redirect_uri href=/x/>", "<LINK REL=\"redirect_uri\" HREF='&amp;&copy&copy;&notin;&notit;&NotEqualTilde;'>",
	"<link rel=redirect_uri href=\"&ThickSpace;&nbsp\">", "<noscript><link rel=redirect_uri href=n></noscript>",
	"<link rel=redirect_uri href=a rel=x href=b>", "<title><link rel=redirect_uri href=/t></title><link rel=redirect_uri href=/u>",
	"<script><!--<script></script><link rel=redirect_uri href=x>--></script>",
	"<li\xffnk rel=redirect_uri href=x>", "<LİNK rel=redirect_uri href=x>", "<link rel=redirect_uri href=x\x00>",
}

// htmlGen writes documents from the pieces the tokenizer has states for.
func htmlGen(r *rand.Rand) []byte {
	pieces := []string{
		"<", ">", "/", "!", "?", "-", "--", "=", "'", "\"", " ", "\t", "\n", "\r", "\f", "a", "B", "1", "&", ";", "\x00", "\xff",
		"<a", "</a", "<!--", "-->", "--!>", "<!DOCTYPE", "<!doctype ", "<![CDATA[", "]]>", "<?", "<link", " rel=redirect_uri",
		" href=", "/x", "<script>", "</script>", "<script/>", "<textarea>", "</textarea>", "<plaintext>", "<title>",
		"<noscript>", "<xmp>", "</xmp ", "<style>", "<iframe>", "&amp;", "&copy", "&notin;", "&#65;", "<a b=/>", "<a b=c/>",
		"<a b=c b=d/>", "<a =b", "<LINK REL=redirect_uri HREF=", "rel", "href",
	}
	var b strings.Builder
	for n := r.IntN(30); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return []byte(b.String())
}

func TestTokenizerMatchesXNetHTML(t *testing.T) {
	for _, s := range htmlSeeds {
		requireSameTokens(t, []byte(s))
		requireSameHrefs(t, []byte(s))
	}
	r := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 30000; i++ {
		body := htmlGen(r)
		requireSameTokens(t, body)
		requireSameHrefs(t, body)
	}
}

// TestNamedRefMatchesXNetHTML decodes every name in the table, without and
// with its ';', in other cases and cut short, both ways.
func TestNamedRefMatchesXNetHTML(t *testing.T) {
	check := func(name string) {
		ref := "&" + name
		if got, want := namedRef(ref), xnetNamedRef(ref); got != want {
			t.Fatalf("namedRef(%q) = %q, x/net/html %q", ref, got, want)
		}
	}
	if len(entityNameEnds) != len(entityTextEnds) || int(entityNameEnds[len(entityNameEnds)-1]) != len(entityNames) ||
		int(entityTextEnds[len(entityTextEnds)-1]) != len(entityText) {
		t.Fatal("table shapes differ")
	}
	for i := range entityNameEnds {
		name := entityName(i)
		base := strings.TrimSuffix(name, ";")
		for _, n := range []string{name, base, base + ";", strings.ToUpper(base), strings.ToLower(base) + ";", base[:len(base)-1], base + "x;"} {
			if n != "" {
				check(n)
			}
		}
		if i > 0 && entityName(i-1) >= name {
			t.Fatalf("names out of order at %q", name)
		}
	}
	for _, n := range []string{"a", "zz", "amp", "amp;", "AMP", "Amp;", "ampx", "x1;", "frac12;", "frac12", "frac1"} {
		check(n)
	}
}

// TestEntityTableIsGenerated runs genentity.go and compares its
// output with the committed table, so that a newer x/net/html in go.mod
// shows up here.
func TestEntityTableIsGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "entity_table.go")
	cmd := exec.Command(goTool, "run", "genentity.go", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genentity: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("entity_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("entity_table.go is not what genentity.go writes; run go generate ./core/indieauth")
	}
}

func FuzzTokenizerMatchesXNetHTML(f *testing.F) {
	for _, s := range htmlSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		requireSameTokens(t, body)
		requireSameHrefs(t, body)
	})
}
