package schema

import (
	"testing"

	"github.com/hassauth/hassauth/core/orjson"
)

var loginFlowBody = []byte(`{"client_id":"https://home-assistant.io/iOS","handler":["homeassistant",null],"redirect_uri":"homeassistant://auth-callback"}`)

// BenchmarkValidateLoginFlow validates a POST /auth/login_flow body that was
// already parsed.
func BenchmarkValidateLoginFlow(b *testing.B) {
	in, err := orjson.Parse(loginFlowBody)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, verr := LoginFlowCreate.Validate(in); verr != nil {
			b.Fatal(verr)
		}
	}
}

// BenchmarkParseAndValidateLoginFlow is the whole decode of the body.
func BenchmarkParseAndValidateLoginFlow(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		in, err := orjson.Parse(loginFlowBody)
		if err != nil {
			b.Fatal(err)
		}
		if _, verr := LoginFlowCreate.Validate(in); verr != nil {
			b.Fatal(verr)
		}
	}
}

// BenchmarkHumanizeInvalidAuth is the error path of a bad websocket auth
// message.
func BenchmarkHumanizeInvalidAuth(b *testing.B) {
	in, err := orjson.Parse([]byte(`{"id":5,"type":"call_service","domain":"light","service":"turn_on","service_data":{"entity_id":"light.kitchen"}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, verr := WSAuth.Validate(in)
		if verr == nil {
			b.Fatal("accepted")
		}
		_ = verr.Humanized(in)
	}
}
