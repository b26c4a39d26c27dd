package otp

// defaultAccountName is the label pyotp uses when the account name is empty.
const defaultAccountName = "Secret"

// ProvisioningURI returns the otpauth URI of Home Assistant's TOTP setup step,
// exactly as pyotp.TOTP(secret).provisioning_uri(accountName,
// issuer_name="Home Assistant") writes it:
//
//	otpauth://totp/Home%20Assistant:<accountName>?secret=<secret>&issuer=Home%20Assistant
//
// The account name is percent-encoded as UTF-8 except for ASCII letters,
// digits, "_.-~" and "/" (Python's urllib.parse.quote); the secret is encoded
// the same way without the "/" exception (urlencode, whose "+" for a space
// pyotp turns into "%20"). Algorithm, digits and period are left out because
// they are the defaults. An empty account name becomes "Secret", as in pyotp.
func ProvisioningURI(secret, accountName string) string {
	if accountName == "" {
		accountName = defaultAccountName
	}
	b := make([]byte, 0, 64+3*len(accountName)+len(secret))
	b = append(b, "otpauth://totp/"...)
	b = appendQuoted(b, Issuer, false)
	b = append(b, ':')
	b = appendQuoted(b, accountName, true)
	b = append(b, "?secret="...)
	b = appendQuoted(b, secret, false)
	b = append(b, "&issuer="...)
	b = appendQuoted(b, Issuer, false)
	return string(b)
}

// appendQuoted percent-encodes s with upper-case hex, leaving ASCII letters,
// digits and "_.-~" as they are, and "/" too when slash is true. Bytes that
// are not valid UTF-8 are encoded as they stand.
func appendQuoted(b []byte, s string, slash bool) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '~' || slash && c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hex[c>>4], hex[c&0xF])
	}
	return b
}
