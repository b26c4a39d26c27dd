package otp

import "testing"

func BenchmarkVerifyTOTP(b *testing.B) {
	const now = 1700000000
	secret := "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
	b.Run("login_wrong_code", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if VerifyTOTP(secret, "000000", now, LoginWindow) {
				b.Fatal("accepted")
			}
		}
	})
	b.Run("full_width_code", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			VerifyTOTP(secret, "０００００００", now, LoginWindow)
		}
	})
}

func BenchmarkQRCodeSVG(b *testing.B) {
	uri := ProvisioningURI("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "Paulus Schoutsen")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := QRCodeSVG(uri); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProvisioningURI(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ProvisioningURI("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "Paulus Schoutsen")
	}
}
