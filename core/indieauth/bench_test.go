package indieauth

import (
	"strings"
	"testing"
)

func BenchmarkVerifyClientID(b *testing.B) {
	ids := map[string]string{
		"domain":   "https://home-assistant.io/android",
		"local_ip": "http://192.168.1.10:8123/",
		"ipv6":     "http://[fe80::1%25eth0]:8123/",
		"upper":    "HTTP://Homeassistant.Local:8123/Lovelace?x=1",
	}
	for _, name := range []string{"domain", "local_ip", "ipv6", "upper"} {
		id := ids[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !VerifyClientID(id) {
					b.Fatal("refused")
				}
			}
		})
	}
}

func BenchmarkCheckRedirectURI(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if CheckRedirectURI("http://192.168.1.10:8123/", "http://192.168.1.10:8123/?auth_callback=1") != Allowed {
			b.Fatal("not allowed")
		}
	}
}

func BenchmarkDiscover(b *testing.B) {
	page := []byte("<!doctype html><html><head><title>App</title><script>var a = '<link>';</script>" +
		`<link rel="stylesheet" href="/s.css"><link rel="redirect_uri" href="/cb">` +
		"</head><body>" + strings.Repeat("<p>text &amp; more</p>", 200) + "</body></html>")
	doc := []byte(cimdBody(cimdClient, `["https://app.example/cb", "app:/callback"]`))
	b.Run("link_tags", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if uris, _ := Discover("https://app.example/", 200, false, page); len(uris) != 1 {
				b.Fatal(uris)
			}
		}
	})
	b.Run("metadata_document", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if uris, _ := Discover(cimdClient, 200, false, doc); len(uris) != 2 {
				b.Fatal(uris)
			}
		}
	})
}
