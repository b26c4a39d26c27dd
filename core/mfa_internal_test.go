package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/otp"
)

// TestTOTPValidateUnknownUser is TOTP-03: a user without a secret is
// refused, even with the code of the dummy secret the check runs against
// to take the same time.
func TestTOTPValidateUnknownUser(t *testing.T) {
	const now = int64(1788256800) * 1_000_000
	c, err := New(Config{}, [32]byte{})
	require.NoError(t, err)
	c.Step(Input{Now: now, Load: &Load{}})
	m, ok := c.mfaModule("totp").(*mfaTOTP)
	require.True(t, ok)
	code, err := otp.TOTPCode(otp.DummySecret, now/1_000_000)
	require.NoError(t, err)
	input := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "code", Value: orjson.StringValue(code)}}}
	assert.False(t, m.validate(c, nil, "nobody", input))
	m.setSecret(c, "somebody", otp.DummySecret)
	assert.True(t, m.validate(c, nil, "somebody", input))
}
