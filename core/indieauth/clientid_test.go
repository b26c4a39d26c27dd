package indieauth

import (
	"errors"
	"testing"
)

// TestVerifyClientID covers the client_id scenarios IA-01 to IA-28 and the
// rules of spec §8.1 one by one.
func TestVerifyClientID(t *testing.T) {
	tests := []struct {
		name, in string
		err      error // nil: valid
	}{
		// Scheme.
		{"IA-01", "http://ex.com/", nil},
		{"IA-02", "https://ex.com/", nil},
		{"IA-03", "ftp://ex.com", ErrScheme},
		{"scheme_upper_case_is_lowered", "HTTP://ex.com/", nil},
		{"scheme_mixed_case", "hTtPs://ex.com/", nil},
		{"scheme_missing", "//ex.com/", ErrScheme},
		{"scheme_app", "homeassistant://auth-callback", ErrScheme},
		{"IA-28", "invalid", ErrScheme},
		{"empty", "", ErrScheme},
		{"leading_space_and_controls_stripped", " \x00\thttp://ex.com/", nil},
		{"tab_inside_removed", "ht\ttp://ex.com/", nil},

		// Path.
		{"IA-04", "http://ex.com", nil},
		{"IA-06", "http://ex.com/hello/.world", nil},
		{"IA-07", "http://ex.com/hello./.world", nil},
		{"IA-08", "http://ex.com/.", ErrDotSegment},
		{"IA-09", "http://ex.com/hello/./yo", ErrDotSegment},
		{"IA-10", "http://ex.com/hello/../yo", ErrDotSegment},
		{"double_dot_last", "http://ex.com/a/..", ErrDotSegment},
		{"dot_in_params_segment", "http://ex.com/a/.;p", ErrDotSegment},
		{"dot_before_params_of_inner_segment_is_kept", "http://ex.com/.;p/x", nil},
		{"percent_encoded_dots_are_not_dots", "http://ex.com/%2e/%2E%2e/", nil},
		{"dots_in_query_are_not_checked", "http://ex.com/?a=/../", nil},
		{"empty_segments", "http://ex.com//a//", nil},

		// Fragment.
		{"fragment_with_content", "http://ex.com/#frag", ErrFragment},
		{"bare_hash_is_an_empty_fragment", "http://ex.com/#", nil},
		{"fragment_after_query", "http://ex.com/?q#f", ErrFragment},
		{"query_allowed", "http://ex.com/?a=b&c", nil},

		// Userinfo.
		{"IA-12", "http://user@ex.com/", ErrUserinfo},
		{"IA-13", "http://user:pass@ex.com/", ErrUserinfo},
		{"empty_username", "http://@ex.com/", ErrUserinfo},
		{"userinfo_before_local_ip", "http://a@127.0.0.1/", ErrUserinfo},

		// Port.
		{"port", "http://ex.com:8123/", nil},
		{"port_zero", "http://ex.com:0/", nil},
		{"port_max", "http://ex.com:65535/", nil},
		{"port_too_big", "http://ex.com:65536/", ErrPort},
		{"port_leading_zeros", "http://ex.com:00000000000000000080/", nil},
		{"IA-27/unparsable_port", "http://ex.com:abc/", ErrPort},
		{"port_signed", "http://ex.com:+80/", ErrPort},
		{"port_negative", "http://ex.com:-1/", ErrPort},
		{"port_fullwidth_digits", "http://ex.com:\uff18\uff10/", ErrPort},
		{"port_two_colons", "http://ex.com:80:90/", ErrPort},
		{"port_empty_is_none", "http://ex.com:/", nil},
		{"ipv6_with_port", "http://[::1]:8123/", nil},
		{"ipv6_bad_port", "http://[::1]:x/", ErrPort},

		// Hosts.
		{"IA-14", "http://www.home-assistant.io/", nil},
		{"IA-15", "http://[::1]", nil},
		{"IA-16", "http://127.0.0.1", nil},
		{"IA-18", "http://10.255.255.255", nil},
		{"IA-19", "http://172.16.0.0", nil},
		{"IA-20", "http://172.31.255.255", nil},
		{"IA-21", "http://192.168.0.0", nil},
		{"IA-22", "http://192.168.255.255", nil},
		{"IA-24", "http://11.0.0.0/", ErrAddress},
		{"IA-25", "http://172.32.0.0/", ErrAddress},
		{"IA-26", "http://192.167.0.0/", ErrAddress},
		{"IA-27/any_name_passes", "http://localhost/", nil},
		{"upper_case_host", "http://EX.COM/", nil},
		{"loopback_range", "http://127.255.0.1/", nil},
		{"link_local_v4", "http://169.254.1.1/", nil},
		{"IA-27/public_ip", "http://8.8.8.8/", ErrAddress},
		{"unspecified_v4", "http://0.0.0.0/", ErrAddress},
		{"ipv4_leading_zero_is_a_name", "http://010.0.0.1/", nil},
		{"ipv4_three_octets_is_a_name", "http://1.2.3/", nil},
		{"public_ip_with_port_counts_as_a_name", "http://8.8.8.8:80/", nil},
		{"public_ipv6", "http://[2001:db8::1]/", ErrAddress},
		{"public_ipv6_with_port_counts_as_a_name", "http://[2001:db8::1]:80/", nil},
		{"ipv6_unique_local_fd", "http://[fd00::1]/", nil},
		{"ipv6_unique_local_fc_is_not_listed", "http://[fc00::1]/", ErrAddress},
		{"ipv6_link_local", "http://[fe80::1]/", nil},
		{"ipv6_link_local_upper_edge", "http://[febf::1]/", nil},
		{"ipv6_site_local_is_not_local", "http://[fec0::1]/", ErrAddress},
		{"ipv6_link_local_with_zone", "http://[fe80::1%25eth0]/", nil},
		{"ipv6_unspecified", "http://[::]/", ErrAddress},
		{"ipv4_mapped_loopback", "http://[::ffff:127.0.0.1]/", nil},
		{"ipv4_mapped_loopback_hex", "http://[::ffff:7f00:1]/", nil},
		{"ipv4_mapped_private", "http://[::ffff:10.1.2.3]/", nil},
		{"ipv4_mapped_172", "http://[::ffff:172.31.0.1]/", nil},
		{"ipv4_mapped_192", "http://[::ffff:192.168.0.1]/", nil},
		{"ipv4_mapped_link_local", "http://[::ffff:169.254.1.1]/", nil},
		{"ipv4_mapped_public", "http://[::ffff:8.8.8.8]/", ErrAddress},
		{"ipv4_compatible_loopback_is_not_local", "http://[::127.0.0.1]/", ErrAddress},
		{"ipvfuture_is_a_name", "http://[v1.x]/", nil},
		{"ipvfuture_upper_v", "http://[V1.x]/", nil},
		{"ipvfuture_without_hex", "http://[vz.x]/", ErrURL},
		{"ipv4_in_brackets", "http://[127.0.0.1]/", ErrURL},
		{"unbalanced_open_bracket", "http://[::1/", ErrURL},
		{"unbalanced_close_bracket", "http://::1]/", ErrURL},
		{"text_after_bracket", "http://[::1]x/", ErrURL},
		{"text_before_bracket", "http://a[::1]/", ErrURL},
		{"brackets_only_in_userinfo", "http://[x]@ex.com/", ErrURL},
		{"nfkc_delimiter_in_host", "http://ex\uff0fample.com/", ErrURL},
		{"nfkc_account_of", "http://\u2100.com/", ErrURL},
		{"non_ascii_host", "http://\u00e9x.com/", nil},

		// An empty host passes every rule and then makes Home Assistant
		// raise IndexError.
		{"empty_host", "http://", ErrNoHost},
		{"empty_host_with_path", "http:///x", ErrNoHost},
		{"no_authority", "http:/x", ErrNoHost},
		{"no_slashes", "https:x", ErrNoHost},
		{"empty_host_query", "http://?q", ErrNoHost},
		{"empty_host_bare_hash", "http://#", ErrNoHost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseClientID(tc.in)
			if tc.err == nil && err != nil {
				t.Fatalf("ParseClientID(%q) = %v, want valid", tc.in, err)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("ParseClientID(%q) = %v, want %v", tc.in, err, tc.err)
			}
			if got := VerifyClientID(tc.in); got != (tc.err == nil) {
				t.Fatalf("VerifyClientID(%q) = %v", tc.in, got)
			}
		})
	}
}

func TestParseClientIDErrNoHostIsUnhandled(t *testing.T) {
	_, err := ParseClientID("http://")
	if !errors.Is(err, ErrUnhandled) {
		t.Fatalf("err = %v, want a match for ErrUnhandled", err)
	}
	for _, in := range []string{"ftp://", "http://x/#f", "http://[::1"} {
		if _, err := ParseClientID(in); errors.Is(err, ErrUnhandled) {
			t.Errorf("ParseClientID(%q) = %v, a plain refusal in Home Assistant", in, err)
		}
	}
}

// TestParseURL covers IA-30 to IA-33 and what _parse_url keeps as written.
func TestParseURL(t *testing.T) {
	tests := []struct {
		name, in string
		want     URL
	}{
		{"IA-30", "http://ex.com/hello", URL{Scheme: "http", Netloc: "ex.com", Path: "/hello", Hostname: "ex.com"}},
		{"IA-31", "http://EX.COM/hello", URL{Scheme: "http", Netloc: "ex.com", Path: "/hello", Hostname: "ex.com"}},
		{"IA-32", "http://EX.COM:123/HELLO", URL{Scheme: "http", Netloc: "ex.com:123", Path: "/HELLO", Hostname: "ex.com", Port: "123"}},
		{"IA-33", "http://ex.com", URL{Scheme: "http", Netloc: "ex.com", Path: "/", Hostname: "ex.com"}},
		{"all_parts", "HTTPS://U:P@Ex.Com:8/a/b;p?q=1&r#F",
			URL{Scheme: "https", Netloc: "u:p@ex.com:8", Path: "/a/b", Params: "p", RawQuery: "q=1&r", Fragment: "F",
				Hostname: "ex.com", Port: "8", HasUserinfo: true}},
		{"params_only_on_last_segment", "http://h/a;x/b", URL{Scheme: "http", Netloc: "h", Path: "/a;x/b", Hostname: "h"}},
		{"no_params_for_other_schemes", "ws://h/a;x", URL{Scheme: "ws", Netloc: "h", Path: "/a;x", Hostname: "h"}},
		{"query_before_fragment_split", "http://h/p#f?x", URL{Scheme: "http", Netloc: "h", Path: "/p", Fragment: "f?x", Hostname: "h"}},
		{"bare_hash_and_question_mark", "http://h?#", URL{Scheme: "http", Netloc: "h", Path: "/", Hostname: "h"}},
		{"percent_encoding_kept", "http://h/%7E%2f?%41", URL{Scheme: "http", Netloc: "h", Path: "/%7E%2f", RawQuery: "%41", Hostname: "h"}},
		{"ipv6_zone_case_lowered_in_netloc", "http://[FE80::1%25EtH]:1/", URL{Scheme: "http", Netloc: "[fe80::1%25eth]:1", Path: "/", Hostname: "fe80::1%25eth", Port: "1"}},
		{"bad_port_is_not_checked", "http://h:abc/", URL{Scheme: "http", Netloc: "h:abc", Path: "/", Hostname: "h", Port: "abc"}},
		{"no_scheme_relative", "/x/y", URL{Path: "/x/y"}},
		{"scheme_then_digits", "localhost:8080", URL{Scheme: "localhost", Path: "8080"}},
		{"scheme_must_start_with_letter", "1a:b", URL{Path: "1a:b"}},
		{"app_scheme", "homeassistant://auth-callback", URL{Scheme: "homeassistant", Netloc: "auth-callback", Path: "/", Hostname: "auth-callback"}},
		{"greek_final_sigma_lowered_like_python", "http://\u0391\u03a3/", URL{Scheme: "http", Netloc: "\u03b1\u03c2", Path: "/", Hostname: "\u03b1\u03c2"}},
		{"greek_inner_sigma", "http://\u0391\u03a3B/", URL{Scheme: "http", Netloc: "\u03b1\u03c3b", Path: "/", Hostname: "\u03b1\u03c3b"}},
		{"dotted_capital_i", "http://\u0130/", URL{Scheme: "http", Netloc: "i\u0307", Path: "/", Hostname: "i\u0307"}},
		{"newlines_removed", "http://h/a\nb\r", URL{Scheme: "http", Netloc: "h", Path: "/ab", Hostname: "h"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURL(tc.in)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseURL(%q) =\n %+v\nwant\n %+v", tc.in, got, tc.want)
			}
		})
	}
	for _, in := range []string{"http://[::1", "http://h]/", "http://[127.0.0.1]/", "//[x]/", "http://\u2100/"} {
		if _, err := ParseURL(in); !errors.Is(err, ErrURL) {
			t.Errorf("ParseURL(%q) = %v, want ErrURL", in, err)
		}
	}
}
