package core

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hassauth/hassauth/core/orjson"
)

func TestRedactQuery(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a=1&b=2", "a=1&b=2"},
		{"api_password=hunter2", "api_password=**REDACTED**"},
		{"x=1&refresh_token=abc&y", "x=1&refresh_token=**REDACTED**&y"},
		// Names are read as a form reads them: escaped or not.
		{"api%5Fpassword=hunter2&access+token=x", "api%5Fpassword=**REDACTED**&access+token=x"},
		{"token&code=&authSig=eyJ.x.y", "token=**REDACTED**&code=**REDACTED**&authSig=**REDACTED**"},
		{"password=a=b&&code_verifier=v", "password=**REDACTED**&&code_verifier=**REDACTED**"},
		// Case matters, as for Home Assistant's parameters.
		{"Password=x", "Password=x"},
	} {
		assert.Equal(t, tc.want, redactQuery(tc.in), tc.in)
	}
}

func TestRedactMessage(t *testing.T) {
	v, err := orjson.Parse([]byte(`{"type":"auth","access_token":["secret"],"api_password":"pw","x":1}`))
	assert.NoError(t, err)
	assert.Equal(t, `{"type":"auth","access_token":"**REDACTED**","api_password":"**REDACTED**","x":1}`, string(orjson.Marshal(redactMessage(v))))
	assert.Equal(t, `{"type":"auth","access_token":["secret"],"api_password":"pw","x":1}`, string(orjson.Marshal(v)), "the original is left alone")
	arr, _ := orjson.Parse([]byte(`["secret"]`))
	assert.Equal(t, arr, redactMessage(arr))
}
