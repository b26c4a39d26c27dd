package jwt

import "encoding/base64"

// b64 writes segments the way PyJWT does: URL-safe alphabet, padding removed.
var b64 = base64.RawURLEncoding

// b64val maps a byte to its 6-bit value in the URL-safe alphabet, or 0xff.
var b64val = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// decodedLen is the length of the bytes an unpadded segment of n characters
// holds, or -1 when no canonical encoding has that length.
func decodedLen(n int) int {
	if n%4 == 1 {
		return -1
	}
	return n/4*3 + n%4*3/4
}

// appendDecoded decodes the unpadded base64url segment s onto dst.
//
// PyJWT pads the segment and hands it to Python's urlsafe_b64decode, which
// silently drops every character outside the alphabet (dots, spaces,
// newlines, non-ASCII), also takes '+' and '/', accepts explicit '='
// padding and ignores non-zero bits after the last full byte. Each of those
// lets one token be written many ways and none of them appears in a token
// PyJWT or Home Assistant writes, so all are rejected here: only the 64
// characters of the URL-safe alphabet, no padding, and the unused low bits of
// the last character must be zero. encoding/base64 is not used because even
// its strict mode skips CR and LF.
func appendDecoded(dst []byte, s string) ([]byte, bool) {
	n := decodedLen(len(s))
	if n < 0 {
		return dst, false
	}
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a, b, c, d := b64val[s[i]], b64val[s[i+1]], b64val[s[i+2]], b64val[s[i+3]]
		if a|b|c|d == 0xff {
			return dst, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst = append(dst, byte(v>>16), byte(v>>8), byte(v))
	}
	switch len(s) - i {
	case 2:
		a, b := b64val[s[i]], b64val[s[i+1]]
		if a|b == 0xff || b&0x0f != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4)
	case 3:
		a, b, c := b64val[s[i]], b64val[s[i+1]], b64val[s[i+2]]
		if a|b|c == 0xff || c&0x03 != 0 {
			return dst, false
		}
		v := uint32(a)<<12 | uint32(b)<<6 | uint32(c)
		dst = append(dst, byte(v>>10), byte(v>>2))
	}
	return dst, true
}
