package indieauth

import "testing"

const (
	android = "https://home-assistant.io/android"
	iOS     = "https://home-assistant.io/iOS"
)

// TestCheckRedirectURI covers IA-34 to IA-43. Home Assistant's tests stub
// the fetch to return no URIs; here that shows as NeedFetch followed by an
// empty discovery, so "false" in a scenario is Denied or NeedFetch.
func TestCheckRedirectURI(t *testing.T) {
	tests := []struct {
		name, clientID, redirectURI string
		want                        Decision
	}{
		{"IA-34", "http://ex.com", "http://ex.com/callback", Allowed},
		{"IA-36", "http://ex.com", "https://ex.com/callback", NeedFetch},
		{"IA-37", "https://sub1.ex.com", "https://sub2.ex.com/callback", NeedFetch},
		{"IA-38/android", android, "homeassistant://auth-callback", Allowed},
		{"IA-38/iOS", iOS, "homeassistant://auth-callback", Allowed},
		{"IA-39/android", android, "homeassistant://something-else", NeedFetch},
		{"IA-39/iOS", iOS, "homeassistant://something-else", NeedFetch},
		{"IA-40", "https://incorrect.com", "homeassistant://auth-callback", NeedFetch},
		{"IA-42/android", android, "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android", Allowed},
		{"IA-42/iOS", iOS, "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android", NeedFetch},
		{"IA-43/unparsable_client_id", "invalid", "http://ex.com/", Denied},
		{"IA-43/app_ids_compared_exactly", "https://home-assistant.io/Android", "homeassistant://auth-callback", NeedFetch},
		{"IA-43/app_ids_compared_exactly_trailing_slash", "https://home-assistant.io/iOS/", "homeassistant://auth-callback", NeedFetch},
		{"IA-43/app_redirect_compared_exactly", android, "homeassistant://auth-callback/", NeedFetch},
		{"android_wear", android, "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android", Allowed},
		{"iOS_wear", iOS, "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android", NeedFetch},

		{"same_origin_other_path_query_fragment", "http://ex.com/app", "http://ex.com/cb?x#y", Allowed},
		{"netloc_compared_after_lower_casing", "http://EX.com", "http://ex.COM/cb", Allowed},
		{"scheme_compared_after_lower_casing", "HTTP://ex.com", "http://ex.com/cb", Allowed},
		{"port_is_part_of_netloc", "http://ex.com:8123", "http://ex.com/cb", NeedFetch},
		{"explicit_default_port_differs", "http://ex.com", "http://ex.com:80/cb", NeedFetch},
		{"leading_zero_port_differs", "http://ex.com:80", "http://ex.com:080/cb", NeedFetch},
		{"redirect_with_userinfo_differs", "http://ex.com", "http://u@ex.com/cb", NeedFetch},
		{"local_ip_client", "http://192.168.1.2:8123", "http://192.168.1.2:8123/auth", Allowed},
		{"ipv6_client", "http://[::1]:8123", "http://[::1]:8123/cb", Allowed},
		{"redirect_relative_has_no_scheme", "http://ex.com", "/cb", NeedFetch},
		{"redirect_unbalanced_bracket", "http://ex.com", "http://[::1/cb", Denied},
		{"redirect_bracketed_ipv4", "http://ex.com", "http://[1.2.3.4]/cb", Denied},
		{"redirect_is_not_validated_as_a_client_id", "http://ex.com", "http://ex.com/../#frag", Allowed},
		{"client_with_fragment", "http://ex.com/#f", "http://ex.com/cb", Denied},
		{"client_public_ip", "http://8.8.8.8", "http://8.8.8.8/cb", Denied},
		{"client_empty_host", "http://", "http:///cb", Denied},
		{"client_ftp", "ftp://ex.com", "ftp://ex.com/cb", Denied},
		{"empty_redirect", "http://ex.com", "", NeedFetch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckRedirectURI(tc.clientID, tc.redirectURI); got != tc.want {
				t.Fatalf("CheckRedirectURI(%q, %q) = %v, want %v", tc.clientID, tc.redirectURI, got, tc.want)
			}
		})
	}
}

// TestVerifyRedirectURIWithEmptyFetch replays IA-36 to IA-40 end to end with
// the fetch returning a page without link tags, as Home Assistant's tests
// stub it.
func TestVerifyRedirectURIWithEmptyFetch(t *testing.T) {
	tests := []struct {
		name, clientID, redirectURI string
		want                        bool
	}{
		{"IA-36", "http://ex.com", "https://ex.com/callback", false},
		{"IA-37", "https://sub1.ex.com", "https://sub2.ex.com/callback", false},
		{"IA-39", android, "homeassistant://something-else", false},
		{"IA-40", "https://incorrect.com", "homeassistant://auth-callback", false},
		{"IA-38", iOS, "homeassistant://auth-callback", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := verify(t, tc.clientID, tc.redirectURI, 200, false, "<html></html>"); got != tc.want {
				t.Fatalf("verify = %v, want %v", got, tc.want)
			}
		})
	}
}

// verify runs the whole of verify_redirect_uri with a fetch answering
// status, redirected and body.
func verify(t *testing.T, clientID, redirectURI string, status int, redirected bool, body string) bool {
	t.Helper()
	switch CheckRedirectURI(clientID, redirectURI) {
	case Allowed:
		return true
	case Denied:
		return false
	}
	uris, err := Discover(clientID, status, redirected, []byte(body))
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	return RedirectURIAllowed(redirectURI, uris)
}

func TestRedirectURIAllowed(t *testing.T) {
	found := []string{"hass://oauth2_redirect", "http://127.0.0.1:8000/beer"}
	tests := []struct {
		uri  string
		want bool
	}{
		{"hass://oauth2_redirect", true},
		{"http://127.0.0.1:8000/beer", true},
		{"http://127.0.0.1:8000/beer/", false},
		{"HASS://oauth2_redirect", false},
		{"http://127.0.0.1:8000/Beer", false},
		{"http://127.0.0.1:8000/beer?x", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := RedirectURIAllowed(tc.uri, found); got != tc.want {
			t.Errorf("RedirectURIAllowed(%q) = %v, want %v", tc.uri, got, tc.want)
		}
	}
	if RedirectURIAllowed("", nil) {
		t.Error("an empty list allows nothing")
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{Denied: "denied", Allowed: "allowed", NeedFetch: "need-fetch"} {
		if d.String() != want {
			t.Errorf("%d.String() = %q, want %q", d, d.String(), want)
		}
	}
}
