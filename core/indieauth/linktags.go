package indieauth

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// linkRedirectHrefs returns, in document order, the href of every
// <link rel="redirect_uri" href="..."> start tag in body whose href is not
// empty, as Home Assistant's LinkTagParser collects them: the tag name
// lower-cased, rel compared to "redirect_uri" as a whole string, the last of
// duplicated attributes winning (Python's dict(attrs)), values decoded the way
// the newest CPython HTMLParser decodes them.
//
// Tokenising is golang.org/x/net/html's HTML5 tokenizer (tokenizer.go holds
// the rules this package needs from it). Where CPython's HTMLParser differs
// from HTML5 tokenisation this function follows CPython:
//   - raw text ends at the first "</name" followed by whitespace, '/' or '>'
//     (no script-data escape states), for script, style, xmp, iframe,
//     noembed, noframes, textarea and title; plaintext runs to the end;
//   - noscript content is markup (CPython parses with scripting disabled);
//   - a self-closing raw-text tag ("<script/>") does not start raw text;
//   - attribute values are decoded from the raw tag text (CR kept, numeric
//     references to code points CPython refuses dropped).
//
// The body is never fed to a close() in Home Assistant, so a construct cut
// off by the end of the body (an unfinished tag, comment or raw-text element)
// yields nothing; the tokenizer behaves the same.
func linkRedirectHrefs(body []byte) []string {
	var found []string
	for pos := 0; pos < len(body); {
		z := newTokenizer(body[pos:])
		next := -1
		for next < 0 {
			tt := z.next()
			if tt == tokenEnd {
				return found
			}
			if tt != tokenStartTag && tt != tokenSelfClosingTag {
				continue
			}
			name, attrs := scanTag(z.raw())
			lname := asciiLower(string(name))
			if lname == "link" || !isASCII(name) && pyLower(pyDecodeReplace(name)) == "link" {
				if href, ok := redirectHref(attrs); ok {
					found = append(found, href)
				}
			}
			switch {
			case lname == "plaintext" && tt == tokenStartTag:
				return found
			case rawTextElement(lname) && tt == tokenStartTag:
				end := rawTextEnd(body[pos+z.end:], lname)
				if end < 0 {
					return found
				}
				// Restart the tokenizer at the end tag so that CPython's
				// notion of where raw text ends wins over HTML5's.
				next = pos + z.end + end
			}
			// Any other element's content is markup, as CPython reads it
			// (x/net/html would read some as raw text; the tokenizer
			// never does).
		}
		pos = next
	}
	return found
}

// rawTextElement lists the elements CPython's HTMLParser reads as raw text
// (CDATA_CONTENT_ELEMENTS and RCDATA_CONTENT_ELEMENTS).
func rawTextElement(name string) bool {
	switch name {
	case "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title":
		return true
	}
	return false
}

// rawTextEnd finds where raw text of element name ends in b: the first "</"
// + name (ASCII case-insensitive) followed by tab, LF, CR, FF, space, '/' or
// '>'. It returns -1 when there is none.
func rawTextEnd(b []byte, name string) int {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("</"))
		if j < 0 {
			return -1
		}
		i += j
		k := i + 2 + len(name)
		if k < len(b) && bytes.EqualFold(b[i+2:k], []byte(name)) {
			switch b[k] {
			case '\t', '\n', '\r', '\f', ' ', '/', '>':
				return i
			}
		}
		i += 2
	}
}

// tagAttr is one attribute of a start tag as written.
type tagAttr struct {
	key, val []byte
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// scanTag splits the raw text of a complete start tag ("<name ...>") into
// its name and attributes at exactly the boundaries x/net/html's tokenizer
// uses (HTML5's tag-name and attribute states), which match CPython's
// tolerant attribute grammar. Attributes without a name are dropped and
// duplicates are kept, in order.
func scanTag(raw []byte) (name []byte, attrs []tagAttr) {
	i, n := 1, len(raw)
	for i < n && !isHTMLSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' {
		i++
	}
	name = raw[1:i]
	for {
		for i < n && isHTMLSpace(raw[i]) {
			i++
		}
		if i >= n || raw[i] == '>' {
			return name, attrs
		}
		ks := i
		for i < n {
			c := raw[i]
			if c == '=' && i == ks {
				i++ // an '=' that starts a name belongs to it
				continue
			}
			if c == '=' || c == '/' || c == '>' || isHTMLSpace(c) {
				break
			}
			i++
		}
		a := tagAttr{key: raw[ks:i]}
		for i < n && isHTMLSpace(raw[i]) {
			i++
		}
		if i < n && raw[i] == '/' {
			i++
		} else if i < n && raw[i] == '=' {
			i++
			for i < n && isHTMLSpace(raw[i]) {
				i++
			}
			if i < n {
				switch q := raw[i]; q {
				case '>':
				case '"', '\'':
					i++
					vs := i
					for i < n && raw[i] != q {
						i++
					}
					a.val = raw[vs:i]
					if i < n {
						i++
					}
				default:
					vs := i
					for i < n && !isHTMLSpace(raw[i]) && raw[i] != '>' {
						i++
					}
					a.val = raw[vs:i]
				}
			}
		}
		if len(a.key) > 0 {
			attrs = append(attrs, a)
		}
	}
}

// redirectHref applies LinkTagParser's rule to a link tag's attributes: rel
// must equal "redirect_uri" and href must not be empty.
func redirectHref(attrs []tagAttr) (string, bool) {
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
	if unescapeAttr(pyDecodeReplace(rel)) != "redirect_uri" {
		return "", false
	}
	h := unescapeAttr(pyDecodeReplace(href))
	return h, h != ""
}

func asciiEqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// pyDecodeReplace is Python's bytes.decode("utf-8", errors="replace"): each
// maximal ill-formed subsequence becomes one U+FFFD (Unicode's recommended
// practice), where Go's range loop would give one per byte.
func pyDecodeReplace(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var out strings.Builder
	out.Grow(len(b) + 8)
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			out.WriteByte(c)
			i++
			continue
		}
		size, lo, hi := utf8Lead(c)
		j := 1
		for ; j < size && i+j < len(b); j++ {
			cb := b[i+j]
			l, h := byte(0x80), byte(0xbf)
			if j == 1 {
				l, h = lo, hi
			}
			if cb < l || cb > h {
				break
			}
		}
		if size > 0 && j == size {
			out.Write(b[i : i+size])
		} else {
			out.WriteRune(utf8.RuneError)
		}
		i += j
	}
	return out.String()
}

// utf8Lead gives the sequence length a lead byte announces and the range
// allowed for the byte after it (Unicode Table 3-7); size 0 for a byte that
// cannot start a sequence.
func utf8Lead(c byte) (size int, lo, hi byte) {
	switch {
	case 0xc2 <= c && c <= 0xdf:
		return 2, 0x80, 0xbf
	case c == 0xe0:
		return 3, 0xa0, 0xbf
	case c == 0xed:
		return 3, 0x80, 0x9f
	case 0xe1 <= c && c <= 0xef:
		return 3, 0x80, 0xbf
	case c == 0xf0:
		return 4, 0x90, 0xbf
	case 0xf1 <= c && c <= 0xf3:
		return 4, 0x80, 0xbf
	case c == 0xf4:
		return 4, 0x80, 0x8f
	}
	return 0, 0, 0
}
