package indieauth

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const localClient = "http://127.0.0.1:8000"

func discover(t *testing.T, clientID, body string) []string {
	t.Helper()
	uris, err := Discover(clientID, 200, false, []byte(body))
	if err != nil {
		t.Fatalf("Discover(%q, %q): %v", clientID, body, err)
	}
	return uris
}

func TestDiscoverLinkTags(t *testing.T) {
	tests := []struct {
		name, clientID, body string
		want                 []string
	}{
		{"IA-44", localClient, `<!doctype html><html><head>
<link rel="redirect_uri" href="hass://oauth2_redirect">
<link rel="other_value" href="hass://oauth2_redirect">
<link rel="redirect_uri" href="/beer">
</head><body>x</body></html>`,
			[]string{"hass://oauth2_redirect", "http://127.0.0.1:8000/beer"}},
		{"IA-45", localClient,
			`<link rel="redirect_uri" href="/wine">` + strings.Repeat("0", 10240) + `<link rel="redirect_uri" href="/beer">`,
			[]string{"http://127.0.0.1:8000/wine"}},

		// The rel rule: the whole attribute value must be "redirect_uri".
		{"rel_case_sensitive", localClient, `<link rel="Redirect_URI" href="/a">`, nil},
		{"rel_token_list_not_split", localClient, `<link rel="redirect_uri me" href="/a">`, nil},
		{"rel_with_space", localClient, `<link rel=" redirect_uri" href="/a">`, nil},
		{"rel_missing", localClient, `<link href="/a">`, nil},
		{"rel_without_value", localClient, `<link rel href="/a">`, nil},
		{"rel_unquoted", localClient, `<link rel=redirect_uri href=/a>`, []string{localClient + "/a"}},
		{"rel_single_quotes", localClient, `<link rel='redirect_uri' href='/a'>`, []string{localClient + "/a"}},
		{"rel_entity_decoded", localClient, `<link rel="redirect&lowbar;uri" href="/a">`, []string{localClient + "/a"}},
		{"rel_numeric_reference", localClient, `<link rel="redirect&#95;uri" href="/a">`, []string{localClient + "/a"}},
		{"attribute_names_case_insensitive", localClient, `<link REL="redirect_uri" HREF="/a">`, []string{localClient + "/a"}},
		{"tag_name_case_insensitive", localClient, `<LINK rel="redirect_uri" href="/a">`, []string{localClient + "/a"}},
		{"tag_name_kelvin_sign_lowers_to_k", localClient, "<LIN\u212a rel=\"redirect_uri\" href=\"/a\">", []string{localClient + "/a"}},
		{"self_closing", localClient, `<link rel="redirect_uri" href="/a"/>`, []string{localClient + "/a"}},
		{"other_tag", localClient, `<a rel="redirect_uri" href="/a">`, nil},
		{"linkx_tag", localClient, `<linkx rel="redirect_uri" href="/a">`, nil},
		{"attributes_without_spaces", localClient, `<link rel="redirect_uri"href="/a">`, []string{localClient + "/a"}},
		{"spaces_around_equals", localClient, "<link rel = \"redirect_uri\"\n\thref =\f'/a'>", []string{localClient + "/a"}},
		{"slash_between_attributes", localClient, `<link/rel="redirect_uri"/href="/a">`, []string{localClient + "/a"}},

		// The href rule (newest Home Assistant): empty or missing is skipped.
		{"href_empty", localClient, `<link rel="redirect_uri" href="">`, nil},
		{"href_missing", localClient, `<link rel="redirect_uri">`, nil},
		{"href_without_value", localClient, `<link rel="redirect_uri" href>`, nil},
		{"href_equals_then_end", localClient, `<link rel="redirect_uri" href=>`, nil},
		{"href_whitespace_is_not_empty", localClient, `<link rel="redirect_uri" href=" ">`, []string{localClient}},

		// dict(attrs): the last of duplicated attributes wins.
		{"duplicate_rel_last_wins", localClient, `<link rel="redirect_uri" rel="x" href="/a">`, nil},
		{"duplicate_rel_last_wins_2", localClient, `<link rel="x" rel="redirect_uri" href="/a">`, []string{localClient + "/a"}},
		{"duplicate_href_last_wins", localClient, `<link rel="redirect_uri" href="/a" href="/b">`, []string{localClient + "/b"}},
		{"duplicate_href_last_empty", localClient, `<link rel="redirect_uri" href="/a" href="">`, nil},

		// Order and duplicates are kept.
		{"order_and_duplicates", localClient,
			`<link rel="redirect_uri" href="/b"><link rel="redirect_uri" href="/a"><link rel="redirect_uri" href="/b">`,
			[]string{localClient + "/b", localClient + "/a", localClient + "/b"}},

		// urljoin against the client_id as sent.
		{"relative_to_directory", "http://ex.com/app/index.html", `<link rel="redirect_uri" href="cb">`, []string{"http://ex.com/app/cb"}},
		{"dot_dot", "http://ex.com/a/b/", `<link rel="redirect_uri" href="../cb">`, []string{"http://ex.com/a/cb"}},
		{"query_only_keeps_path", "http://ex.com/app?x=1", `<link rel="redirect_uri" href="?y=2">`, []string{"http://ex.com/app?y=2"}},
		{"fragment_only_keeps_query", "http://ex.com/app?x=1", `<link rel="redirect_uri" href="#f">`, []string{"http://ex.com/app?x=1#f"}},
		{"network_path", "https://ex.com/", `<link rel="redirect_uri" href="//other.org/cb">`, []string{"https://other.org/cb"}},
		{"absolute_other_scheme_kept_as_written", "https://ex.com/", `<link rel="redirect_uri" href="HASS://X/Y">`, []string{"HASS://X/Y"}},
		{"upper_case_client_netloc_kept", "http://EX.com", `<link rel="redirect_uri" href="/cb">`, []string{"http://EX.com/cb"}},

		// Attribute decoding as the newest CPython HTMLParser does it.
		{"entity_with_semicolon", localClient, `<link rel="redirect_uri" href="/a?x=1&amp;y=2">`, []string{localClient + "/a?x=1&y=2"}},
		{"legacy_entity_without_semicolon", localClient, `<link rel="redirect_uri" href="/a?x=1&amp y">`, []string{localClient + "/a?x=1& y"}},
		{"entity_followed_by_equals_kept", localClient, `<link rel="redirect_uri" href="/a?x=1&copy=2">`, []string{localClient + "/a?x=1&copy=2"}},
		{"entity_prefix_not_decoded", localClient, `<link rel="redirect_uri" href="/a?&notit;">`, []string{localClient + "/a?&notit;"}},
		{"unknown_entity_kept", localClient, `<link rel="redirect_uri" href="/a?&bogus;">`, []string{localClient + "/a?&bogus;"}},
		{"empty_params_dropped_by_urljoin", localClient, `<link rel="redirect_uri" href="/a;">`, []string{localClient + "/a"}},
		{"numeric_reference", localClient, `<link rel="redirect_uri" href="/&#x41;&#66;">`, []string{localClient + "/AB"}},
		{"numeric_reference_followed_by_equals", localClient, `<link rel="redirect_uri" href="/&#65=">`, []string{localClient + "/A="}},
		{"numeric_forbidden_code_point_dropped", localClient, `<link rel="redirect_uri" href="/a&#1;b&#x7f;c">`, []string{localClient + "/abc"}},
		{"numeric_windows_1252", localClient, `<link rel="redirect_uri" href="hass://&#x80;">`, []string{"hass://\u20ac"}},
		{"numeric_out_of_range", localClient, `<link rel="redirect_uri" href="hass://&#99999999999999999999;">`, []string{"hass://\ufffd"}},
		{"carriage_return_kept", localClient, "<link rel=\"redirect_uri\" href=\"hass://x\ry\">", []string{"hass://x\ry"}},
		{"invalid_utf8_replaced", localClient, "<link rel=\"redirect_uri\" href=\"hass://\xe2\x82x\xff\">", []string{"hass://\ufffdx\ufffd"}},

		// Where CPython's HTMLParser and HTML5 tokenisation part ways.
		{"in_comment", localClient, `<!-- <link rel="redirect_uri" href="/a"> -->`, nil},
		{"in_script", localClient, `<script>x='<link rel="redirect_uri" href="/a">'</script>`, nil},
		{"after_script", localClient, `<script>1</script ><link rel="redirect_uri" href="/a">`, []string{localClient + "/a"}},
		{"script_ends_at_first_end_tag", localClient,
			`<script><!--<script></script><link rel="redirect_uri" href="/a">--></script>`, []string{localClient + "/a"}},
		{"script_end_tag_case_insensitive", localClient, `<script>1</SCRIPT><link rel="redirect_uri" href="/a">`, []string{localClient + "/a"}},
		{"script_end_tag_needs_delimiter", localClient, `<script></scriptx><link rel="redirect_uri" href="/a">`, nil},
		{"self_closing_script_is_not_raw", localClient, `<script/><link rel="redirect_uri" href="/a">`, []string{localClient + "/a"}},
		{"unclosed_script", localClient, `<script><link rel="redirect_uri" href="/a">`, nil},
		{"in_style", localClient, `<style><link rel="redirect_uri" href="/a"></style>`, nil},
		{"in_title", localClient, `<title><link rel="redirect_uri" href="/a"></title>`, nil},
		{"in_textarea", localClient, `<textarea><link rel="redirect_uri" href="/a"></textarea>`, nil},
		{"in_xmp", localClient, `<xmp><link rel="redirect_uri" href="/a"></xmp>`, nil},
		{"in_iframe", localClient, `<iframe><link rel="redirect_uri" href="/a"></iframe>`, nil},
		{"in_noscript_is_markup", localClient, `<noscript><link rel="redirect_uri" href="/a"></noscript>`, []string{localClient + "/a"}},
		{"after_plaintext", localClient, `<plaintext><link rel="redirect_uri" href="/a">`, nil},
		{"cdata_outside_foreign_content_is_a_bogus_comment", localClient,
			`<![CDATA[<link rel="redirect_uri" href="/a">]]><link rel="redirect_uri" href="/b">`, []string{localClient + "/b"}},
		{"in_template", localClient, `<template><link rel="redirect_uri" href="/a"></template>`, []string{localClient + "/a"}},
		{"unfinished_tag_at_end", localClient, `<link rel="redirect_uri" href="/a"`, nil},
		{"unfinished_quote_at_end", localClient, `<link rel="redirect_uri" href="/a>`, nil},
		{"gt_inside_quotes", localClient, `<link rel="redirect_uri" href="/a>b">`, []string{localClient + "/a>b"}},
		{"in_json_string", "https://ex.com/c.json", `{"x": "<link rel=redirect_uri href=/a>"}`, []string{"https://ex.com/a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := discover(t, tc.clientID, tc.body)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Discover = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDiscoverFetchLimit(t *testing.T) {
	link := `<link rel="redirect_uri" href="/x">`
	// A tag that ends exactly at the limit is seen; one that crosses it is
	// cut off and ignored.
	inside := strings.Repeat(" ", MaxFetchBytes-len(link)) + link
	if got := discover(t, localClient, inside+"<p>"); len(got) != 1 {
		t.Errorf("tag ending at byte %d: %q, want it found", MaxFetchBytes, got)
	}
	crossing := strings.Repeat(" ", MaxFetchBytes-len(link)+1) + link
	if got := discover(t, localClient, crossing); len(got) != 0 {
		t.Errorf("tag crossing the limit: %q, want nothing", got)
	}
}

// IA-46: a fetch that fails yields no URIs. The host reports no body; only
// <link> tags count (Link headers are not an input at all).
func TestDiscoverNoBody(t *testing.T) {
	t.Run("IA-46", func(t *testing.T) {
		for _, status := range []int{0, 200, 404, 500} {
			if got, err := Discover(localClient, status, false, nil); err != nil || len(got) != 0 {
				t.Errorf("status %d, no body: %q, %v", status, got, err)
			}
		}
		if verify(t, "https://ex.com/", "https://other.org/cb", 0, false, "") {
			t.Error("a failed fetch allowed a foreign redirect_uri")
		}
	})
	t.Run("status_does_not_matter_for_link_tags", func(t *testing.T) {
		got, _ := Discover(localClient, 404, true, []byte(`<link rel="redirect_uri" href="/a">`))
		if len(got) != 1 {
			t.Fatalf("got %q", got)
		}
	})
}

func TestDiscoverBadHref(t *testing.T) {
	for _, href := range []string{"http://[::1", "//[x]/", "hass://[1.2.3.4]/", "//\u2100/"} {
		body := `<link rel="redirect_uri" href="/ok"><link rel="redirect_uri" href="` + href + `">`
		got, err := Discover(localClient, 200, false, []byte(body))
		if !errors.Is(err, ErrUnhandled) || !errors.Is(err, ErrBadHref) || got != nil {
			t.Errorf("href %q: %q, %v; want ErrBadHref", href, got, err)
		}
	}
	// A malformed redirect_uri inside a link tag is only a problem for
	// urljoin; relative paths with brackets are fine.
	if got := discover(t, localClient, `<link rel="redirect_uri" href="/[x">`); len(got) != 1 || got[0] != localClient+"/[x" {
		t.Errorf("got %q", got)
	}
}

const cimdClient = "https://app.example/client.json"

func cimdBody(clientID string, uris string) string {
	return `{"client_id": "` + clientID + `", "client_name": "App", "redirect_uris": ` + uris + `}`
}

func TestDiscoverMetadataDocument(t *testing.T) {
	good := cimdBody(cimdClient, `["https://app.example/cb", "app:/callback", "com.example.app://x"]`)
	goodURIs := []string{"https://app.example/cb", "app:/callback", "com.example.app://x"}
	pad := func(n int) string {
		b := good + strings.Repeat(" ", n-len(good))
		if len(b) != n {
			panic("bad padding")
		}
		return b
	}
	tests := []struct {
		name, clientID string
		status         int
		redirected     bool
		body           string
		want           []string
	}{
		{"accepted", cimdClient, 200, false, good, goodURIs},
		{"status_404", cimdClient, 404, false, good, nil},
		{"status_201", cimdClient, 201, false, good, nil},
		{"redirected", cimdClient, 200, true, good, nil},
		{"client_http", "http://app.example/client.json", 200, false, cimdBody("http://app.example/client.json", `["https://a/cb"]`), nil},
		{"client_without_path", "https://app.example", 200, false, cimdBody("https://app.example", `["https://a/cb"]`), nil},
		{"client_query_without_path", "https://app.example?x=1", 200, false, cimdBody("https://app.example?x=1", `["https://a/cb"]`), nil},
		{"client_root_path", "https://app.example/", 200, false, cimdBody("https://app.example/", `["https://a/cb"]`), []string{"https://a/cb"}},
		{"client_bare_hash", "https://app.example/c#", 200, false, cimdBody("https://app.example/c#", `["https://a/cb"]`), nil},
		{"body_one_below_limit", cimdClient, 200, false, pad(MaxFetchBytes - 1), goodURIs},
		{"body_at_limit", cimdClient, 200, false, pad(MaxFetchBytes), nil},
		{"client_id_mismatch", cimdClient, 200, false, cimdBody(cimdClient+"/", `["https://a/cb"]`), nil},
		{"client_id_case_differs", cimdClient, 200, false, cimdBody("https://APP.example/client.json", `["https://a/cb"]`), nil},
		{"client_id_missing", cimdClient, 200, false, `{"redirect_uris": ["https://a/cb"]}`, nil},
		{"client_id_not_a_string", cimdClient, 200, false, `{"client_id": 1, "redirect_uris": ["https://a/cb"]}`, nil},
		{"client_id_escaped_key_and_value", cimdClient, 200, false,
			`{"client\u005fid": "https:\/\/app.example\/client.json", "redirect_uris": ["https://a/cb"]}`, []string{"https://a/cb"}},
		{"duplicate_keys_last_wins", cimdClient, 200, false,
			`{"client_id": "x", "redirect_uris": 1, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, []string{"https://a/cb"}},
		{"duplicate_keys_last_wins_refused", cimdClient, 200, false,
			`{"client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"], "redirect_uris": "https://a/cb"}`, nil},
		{"redirect_uris_missing", cimdClient, 200, false, `{"client_id": "` + cimdClient + `"}`, nil},
		{"redirect_uris_string", cimdClient, 200, false, cimdBody(cimdClient, `"https://a/cb"`), nil},
		{"redirect_uris_empty", cimdClient, 200, false, cimdBody(cimdClient, `[]`), nil},
		{"redirect_uris_number_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://a/cb", 1]`), nil},
		{"redirect_uris_null_entry", cimdClient, 200, false, cimdBody(cimdClient, `[null]`), nil},
		{"redirect_uris_relative_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://a/cb", "/cb"]`), nil},
		{"redirect_uris_fragment_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://a/cb#"]`), nil},
		{"redirect_uris_bad_port_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://a:99999/cb"]`), nil},
		{"redirect_uris_bracket_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://[::1/cb"]`), nil},
		{"redirect_uris_scheme_only", cimdClient, 200, false, cimdBody(cimdClient, `["urn:x"]`), []string{"urn:x"}},
		{"redirect_uris_kept_as_written", cimdClient, 200, false, cimdBody(cimdClient, `[" HTTPS://A/cb", "https://a/./cb"]`),
			[]string{" HTTPS://A/cb", "https://a/./cb"}},
		{"not_an_object", cimdClient, 200, false, `["https://a/cb"]`, nil},
		{"not_json", cimdClient, 200, false, `client_id=x`, nil},
		{"trailing_comma", cimdClient, 200, false, cimdBody(cimdClient, `["https://a/cb",]`), nil},
		{"extra_data", cimdClient, 200, false, good + "x", nil},
		{"nan", cimdClient, 200, false, `{"n": NaN, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, nil},
		{"infinity", cimdClient, 200, false, `{"n": -Infinity, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, nil},
		{"huge_float_is_fine", cimdClient, 200, false, `{"n": 1e999, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, []string{"https://a/cb"}},
		{"int_of_4300_digits", cimdClient, 200, false,
			`{"n": ` + strings.Repeat("9", 4300) + `, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, []string{"https://a/cb"}},
		{"int_of_4301_digits", cimdClient, 200, false,
			`{"n": -` + strings.Repeat("9", 4301) + `, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, nil},
		{"float_of_4301_digits", cimdClient, 200, false,
			`{"n": ` + strings.Repeat("9", 4301) + `.5, "client_id": "` + cimdClient + `", "redirect_uris": ["https://a/cb"]}`, []string{"https://a/cb"}},
		{"control_character_in_string", cimdClient, 200, false, cimdBody(cimdClient, "[\"https://a/c\tb\"]"), nil},
		{"invalid_utf8", cimdClient, 200, false, cimdBody(cimdClient, "[\"https://a/\xff\"]"), nil},
		{"utf8_bom", cimdClient, 200, false, "\ufeff" + good, nil},
		{"escaped_unicode_entry", cimdClient, 200, false, cimdBody(cimdClient, `["https://a/\u00e9\ud83d\ude00"]`), []string{"https://a/\u00e9\U0001F600"}},
		{"whitespace_around", cimdClient, 200, false, "\n\t " + good + "\r\n", goodURIs},
		{"link_tags_win", cimdClient, 200, false, `<link rel="redirect_uri" href="/l">` + good, []string{"https://app.example/l"}},
		{"empty_href_link_falls_back", cimdClient, 200, false, good + `<link rel="redirect_uri" href="">`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Discover(tc.clientID, tc.status, tc.redirected, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Discover = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMetadataLoneSurrogate(t *testing.T) {
	// Python keeps "\ud800" as a lone surrogate; it must not turn into a
	// U+FFFD that a request could match.
	body := cimdBody(cimdClient, `["app:/\ud800"]`)
	got, _ := Discover(cimdClient, 200, false, []byte(body))
	if len(got) != 1 || got[0] == "app:/\ufffd" || got[0] != "app:/\xed\xa0\x80" {
		t.Fatalf("got %q", got)
	}
}

func TestVerifyRedirectURIEndToEnd(t *testing.T) {
	page := `<link rel="redirect_uri" href="https://other.org/cb">`
	if !verify(t, "https://ex.com/", "https://other.org/cb", 200, false, page) {
		t.Error("advertised redirect_uri refused")
	}
	if verify(t, "https://ex.com/", "https://other.org/cb/", 200, false, page) {
		t.Error("non-advertised redirect_uri allowed")
	}
	doc := cimdBody(cimdClient, `["https://other.org/cb"]`)
	if !verify(t, cimdClient, "https://other.org/cb", 200, false, doc) {
		t.Error("metadata document redirect_uri refused")
	}
	if verify(t, cimdClient, "https://other.org/cb", 200, true, doc) {
		t.Error("redirected metadata document accepted")
	}
}
