package otp

import (
	"net/url"
	"strings"
	"testing"
)

func TestProvisioningURI(t *testing.T) {
	for _, tc := range []struct{ name, secret, account, want string }{
		{"TOTP-08/plain", "JBSWY3DPEHPK3PXP", "paulus",
			"otpauth://totp/Home%20Assistant:paulus?secret=JBSWY3DPEHPK3PXP&issuer=Home%20Assistant"},
		{"space", "JBSWY3DPEHPK3PXP", "Test User",
			"otpauth://totp/Home%20Assistant:Test%20User?secret=JBSWY3DPEHPK3PXP&issuer=Home%20Assistant"},
		{"colon_at_slash_kept", "JBSWY3DPEHPK3PXP", "a:b@c/d",
			"otpauth://totp/Home%20Assistant:a%3Ab%40c/d?secret=JBSWY3DPEHPK3PXP&issuer=Home%20Assistant"},
		{"unicode_as_utf8", "JBSWY3DPEHPK3PXP", "ü",
			"otpauth://totp/Home%20Assistant:%C3%BC?secret=JBSWY3DPEHPK3PXP&issuer=Home%20Assistant"},
		{"empty_name_is_Secret", "JBSWY3DPEHPK3PXP", "",
			"otpauth://totp/Home%20Assistant:Secret?secret=JBSWY3DPEHPK3PXP&issuer=Home%20Assistant"},
		{"secret_escaped_without_slash", "A B+C/D=", "x",
			"otpauth://totp/Home%20Assistant:x?secret=A%20B%2BC%2FD%3D&issuer=Home%20Assistant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProvisioningURI(tc.secret, tc.account); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestProvisioningURI_againstPyotp(t *testing.T) {
	var fx pyotpFixtures
	loadFixture(t, "pyotp.json", &fx)
	if len(fx.ProvisioningURIs) == 0 {
		t.Fatal("no fixtures")
	}
	for _, c := range fx.ProvisioningURIs {
		if got := ProvisioningURI(c.Secret, c.Name); got != c.URI {
			t.Errorf("secret %q name %q:\ngot   %s\npyotp %s", c.Secret, c.Name, got, c.URI)
		}
	}
}

// checkURI parses uri with net/url and checks that it names secret and
// account (or "Secret" for an empty account) under Home Assistant's issuer.
func checkURI(t *testing.T, uri, secret, account string) {
	t.Helper()
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatalf("%q does not parse: %v", uri, err)
	}
	if account == "" {
		account = defaultAccountName
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("%q: scheme %q host %q", uri, u.Scheme, u.Host)
	}
	if want := "/" + Issuer + ":" + account; u.Path != want {
		t.Fatalf("%q: path %q, want %q", uri, u.Path, want)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		t.Fatalf("%q: query: %v", uri, err)
	}
	if len(q) != 2 || q.Get("secret") != secret || q.Get("issuer") != Issuer {
		t.Fatalf("%q: query %v, want secret %q", uri, q, secret)
	}
	if strings.ContainsAny(uri, " +#\"<>\\^`{|}") {
		t.Fatalf("%q has a character that should be escaped", uri)
	}
}

func FuzzProvisioningURI(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXP", "paulus")
	f.Add("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "Paulus Schoutsen")
	f.Add("MZXW6===", "")
	f.Add("A B+C/D=;&#?", "a:b@c.d/e?f#g&h=i;j")
	f.Add("", "日本語ユーザー 😀")
	f.Add("x", "%zz%41+\t\n\x00")
	f.Add("\xff\xfe", "\xc3(")
	f.Fuzz(func(t *testing.T, secret, account string) {
		checkURI(t, ProvisioningURI(secret, account), secret, account)
	})
}
