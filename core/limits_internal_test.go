package core

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/authstore"
)

func loadedCore(t *testing.T, now int64) *Core {
	t.Helper()
	c, err := New(Config{}, [32]byte{})
	require.NoError(t, err)
	c.Step(Input{Now: now, Load: &Load{}})
	return c
}

// TestAuthCodeSweep checks the bound on authorization codes kept in
// memory: below maxCodes nothing is swept; at it, issuing a code drops
// every expired one (an abandoned login leaves its code behind, and
// nothing else would remove it) and keeps the ones still valid.
func TestAuthCodeSweep(t *testing.T) {
	const t0 = int64(1788256800) * 1_000_000
	c := loadedCore(t, t0)
	cred := &authstore.Credential{ID: "c", ProviderType: "homeassistant"}
	for i := 0; i < maxCodes-1; i++ {
		c.storeResult(clientIDFor(i), cred, "")
	}
	c.now = t0 + authCodeLifetime
	c.storeResult("https://late.example/", cred, "")
	assert.Len(t, c.codes, maxCodes, "below the bound nothing is swept")

	c.now = t0 + authCodeLifetime + 1
	fresh := c.storeResult("https://fresh.example/", cred, "")
	assert.Len(t, c.codes, 2, "the expired codes went, the late and fresh ones stay")
	assert.NotNil(t, c.retrieveResult("https://fresh.example/", fresh))
}

func clientIDFor(i int) string { return "https://client" + strconv.Itoa(i) + ".example/" }

// TestSetupFlowLimitTotal checks the bound on MFA setup flows of all users
// together: at maxSetupFlows a new flow ends the oldest, and flows idle for
// setupFlowLifetime are swept.
func TestSetupFlowLimitTotal(t *testing.T) {
	const t0 = int64(1788256800) * 1_000_000
	c := loadedCore(t, t0)
	c.mfaSetups = map[string]*mfaSetupFlow{}
	for i := 0; i < maxSetupFlows; i++ {
		id := strconv.Itoa(i)
		// Users of one flow each, so that only the total bound applies.
		c.mfaSetups[id] = &mfaSetupFlow{ID: id, UserID: "user" + id, Touched: t0 + int64(i)}
	}
	c.now = t0 + maxSetupFlows
	c.sweepSetupFlows("newcomer")
	assert.Len(t, c.mfaSetups, maxSetupFlows-1)
	assert.Nil(t, c.mfaSetups["0"], "the oldest flow")
	assert.NotNil(t, c.mfaSetups["1"])

	c.now = t0 + 10 + setupFlowLifetime
	c.sweepSetupFlows("newcomer")
	assert.Len(t, c.mfaSetups, maxSetupFlows-11, "flows idle for the lifetime are gone")
	assert.Nil(t, c.mfaSetups["10"])
	assert.NotNil(t, c.mfaSetups["11"])
}
