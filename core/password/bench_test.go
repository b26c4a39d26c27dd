package password

import "testing"

func BenchmarkHash(b *testing.B) {
	b.ReportAllocs()
	salt := testSalt(1)
	for b.Loop() {
		Hash("test-pass", salt, Cost)
	}
}

func BenchmarkCheck(b *testing.B) {
	b.ReportAllocs()
	h := Hash("test-pass", testSalt(1), Cost)
	for b.Loop() {
		if !Check("test-pass", h) {
			b.Fatal("refused")
		}
	}
}

func BenchmarkNormalizeUsername(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{"ascii_normalized", "test-user"},
		{"ascii_mixed_case", " Test-User "},
		{"non_ascii", " Jürgen-Straße "},
		{"cherokee", "ᎠᏍᎦᏯ"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				NormalizeUsername(bm.in)
			}
		})
	}
}
