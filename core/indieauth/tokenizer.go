package indieauth

//go:generate go run genentity.go

// The HTML tokenizer linkRedirectHrefs runs: golang.org/x/net/html's HTML5
// tokenizer as this package used it, reduced to what it needs from it, the
// kind and the raw bytes of each token, with raw-text elements left to the
// caller (which never let x/net/html read raw text). The rules are
// x/net/html's, state for state, and FuzzTokenizerMatchesXNetHTML checks
// the tokens against it; the package is not linked because its entity map
// and tokenizer made up 3% of the WebAssembly module.

// tokenKind is a token's type.
type tokenKind int

const (
	// tokenEnd: the input is used up (or ends inside a tag).
	tokenEnd tokenKind = iota
	tokenText
	tokenStartTag
	tokenSelfClosingTag
	tokenEndTag
	// tokenComment is a comment, a bogus comment ("<?...>", "</ ...>",
	// "<!x>") or "</>".
	tokenComment
	tokenDoctype
)

// tokenizer splits b into tokens; raw is b[start:end], the current token.
type tokenizer struct {
	b          []byte
	start, end int
	eof        bool // a read went past the end
	// dataStart is where a markup declaration's text starts, which a
	// "<!DOCTYPE" that turns out not to be one goes back to.
	dataStart int
	// lastAttrEnd is where the value of the last attribute kept by
	// readTag ends; attrs are the kept names, lower-cased.
	lastAttrEnd int
	attrs       []string
}

func newTokenizer(b []byte) *tokenizer { return &tokenizer{b: b} }

// raw returns the bytes of the current token.
func (z *tokenizer) raw() []byte { return z.b[z.start:z.end] }

func (z *tokenizer) readByte() byte {
	if z.end >= len(z.b) {
		z.eof = true
		return 0
	}
	c := z.b[z.end]
	z.end++
	return c
}

// next reads the next token.
func (z *tokenizer) next() tokenKind {
	z.start = z.end
	if z.eof {
		return tokenEnd
	}
loop:
	for {
		c := z.readByte()
		if z.eof {
			break
		}
		if c != '<' {
			continue
		}
		c = z.readByte()
		if z.eof {
			break
		}
		var kind tokenKind
		switch {
		case isASCIILetter(c):
			kind = tokenStartTag
		case c == '/':
			kind = tokenEndTag
		case c == '!' || c == '?':
			kind = tokenComment
		default:
			// The '<' is text; look at c again.
			z.end--
			continue
		}
		// Text before the tag is a token of its own.
		if x := z.end - len("<a"); z.start < x {
			z.end = x
			return tokenText
		}
		switch kind {
		case tokenStartTag:
			return z.readStartTag()
		case tokenEndTag:
			c = z.readByte()
			if z.eof {
				break loop
			}
			if c == '>' {
				// "</>" is skipped as if it were an empty comment.
				return tokenComment
			}
			if isASCIILetter(c) {
				z.readTag(false)
				if z.eof {
					return tokenEnd
				}
				return tokenEndTag
			}
			z.end--
			z.readUntilCloseAngle()
			return tokenComment
		default:
			if c == '!' {
				return z.readMarkupDeclaration()
			}
			z.end--
			z.readUntilCloseAngle()
			return tokenComment
		}
	}
	if z.start < z.end {
		return tokenText
	}
	return tokenEnd
}

func (z *tokenizer) skipWhiteSpace() {
	if z.eof {
		return
	}
	for {
		c := z.readByte()
		if z.eof {
			return
		}
		if !isHTMLSpace(c) {
			z.end--
			return
		}
	}
}

func (z *tokenizer) readUntilCloseAngle() {
	for {
		if c := z.readByte(); z.eof || c == '>' {
			return
		}
	}
}

// readMarkupDeclaration reads what follows "<!": a comment, a doctype or a
// bogus comment.
func (z *tokenizer) readMarkupDeclaration() tokenKind {
	z.dataStart = z.end
	var c [2]byte
	for i := range c {
		if c[i] = z.readByte(); z.eof {
			return tokenComment
		}
	}
	if c[0] == '-' && c[1] == '-' {
		z.readComment()
		return tokenComment
	}
	z.end -= 2
	if z.readDoctype() {
		return tokenDoctype
	}
	z.readUntilCloseAngle()
	return tokenComment
}

// readComment reads up to the end of a comment: "-->", "--!>", or a '>'
// right at the start ("<!-->", "<!--->").
func (z *tokenizer) readComment() {
	dashes := 0
	beginning := true
	for {
		c := z.readByte()
		if z.eof {
			return
		}
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return
			}
		case '!':
			if dashes >= 2 {
				c = z.readByte()
				if z.eof || c == '>' {
					return
				}
				if c == '-' {
					dashes = 1
					beginning = false
					continue
				}
			}
		}
		dashes = 0
		beginning = false
	}
}

// readDoctype reads "DOCTYPE" (any case) and the rest up to '>'; when the
// word is not there it goes back to where it would start and reports false.
func (z *tokenizer) readDoctype() bool {
	const word = "DOCTYPE"
	for i := 0; i < len(word); i++ {
		c := z.readByte()
		if z.eof {
			// The end is found again when the bogus comment is read.
			z.end = z.dataStart
			z.eof = false
			return false
		}
		if c != word[i] && c != word[i]+('a'-'A') {
			z.end = z.dataStart
			return false
		}
	}
	if z.skipWhiteSpace(); z.eof {
		return true
	}
	z.readUntilCloseAngle()
	return true
}

// readStartTag reads a start tag whose first letter has been read.
func (z *tokenizer) readStartTag() tokenKind {
	z.readTag(true)
	if z.eof {
		return tokenEnd
	}
	// A '/' before the '>' makes the tag self-closing, unless it ends the
	// unquoted value of the last attribute kept ("<p a=/>").
	if z.b[z.end-2] == '/' && (len(z.attrs) == 0 || z.end-2 != z.lastAttrEnd-1) {
		return tokenSelfClosingTag
	}
	return tokenStartTag
}

// readTag reads a tag's name and attributes up to its '>'. With keep, it
// notes the attributes x/net/html keeps: those with a name, the first of
// each name (compared in ASCII lower case).
func (z *tokenizer) readTag(keep bool) {
	z.attrs = z.attrs[:0]
	z.readTagName()
	if z.skipWhiteSpace(); z.eof {
		return
	}
	for {
		c := z.readByte()
		if z.eof || c == '>' {
			return
		}
		z.end--
		keyStart := z.end
		z.readTagAttrKey()
		keyEnd := z.end
		valEnd := z.readTagAttrVal()
		if keep && keyStart != keyEnd {
			key := asciiLower(string(z.b[keyStart:keyEnd]))
			if !z.seen(key) {
				z.attrs = append(z.attrs, key)
				z.lastAttrEnd = valEnd
			}
		}
		if z.skipWhiteSpace(); z.eof {
			return
		}
	}
}

func (z *tokenizer) seen(key string) bool {
	for _, k := range z.attrs {
		if k == key {
			return true
		}
	}
	return false
}

func (z *tokenizer) readTagName() {
	for {
		c := z.readByte()
		if z.eof || isHTMLSpace(c) {
			return
		}
		if c == '/' || c == '>' {
			z.end--
			return
		}
	}
}

func (z *tokenizer) readTagAttrKey() {
	start := z.end
	for {
		c := z.readByte()
		if z.eof {
			return
		}
		// An '=' that starts the name belongs to it.
		if c == '=' && z.end == start+1 {
			continue
		}
		if c == '=' || c == '/' || c == '>' || isHTMLSpace(c) {
			z.end--
			return
		}
	}
}

// readTagAttrVal reads an attribute's "= value" if there is one, and
// returns where the value ends (before a closing quote).
func (z *tokenizer) readTagAttrVal() (end int) {
	end = z.end
	if z.skipWhiteSpace(); z.eof {
		return end
	}
	c := z.readByte()
	if z.eof || c == '/' {
		return end
	}
	if c != '=' {
		z.end--
		return end
	}
	if z.skipWhiteSpace(); z.eof {
		return end
	}
	quote := z.readByte()
	if z.eof {
		return end
	}
	switch quote {
	case '>':
		z.end--
		return end
	case '\'', '"':
		for {
			c := z.readByte()
			if z.eof {
				return z.end
			}
			if c == quote {
				return z.end - 1
			}
		}
	}
	for {
		c := z.readByte()
		if z.eof {
			return z.end
		}
		if isHTMLSpace(c) {
			return z.end - 1
		}
		if c == '>' {
			z.end--
			return z.end
		}
	}
}

// namedRef decodes "&name" or "&name;" when that exact text is an HTML5
// character reference, and returns it unchanged otherwise, as x/net/html
// decodes references in attribute values.
func namedRef(ref string) string {
	name := ref[1:]
	lo, hi := 0, len(entityNameEnds)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if entityName(m) < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(entityNameEnds) || entityName(lo) != name {
		return ref
	}
	start := uint16(0)
	if lo > 0 {
		start = entityTextEnds[lo-1]
	}
	return entityText[start:entityTextEnds[lo]]
}

func entityName(i int) string {
	start := uint16(0)
	if i > 0 {
		start = entityNameEnds[i-1]
	}
	return entityNames[start:entityNameEnds[i]]
}
