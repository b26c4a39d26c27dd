package core

import (
	"github.com/hassauth/hassauth/core/authstore"
)

// authCodeLifetime is how long an authorization code can be exchanged:
// strictly less than ten minutes.
const authCodeLifetime = 10 * authstore.Minute

// codeKey is how Home Assistant indexes codes: by client and code, so a
// code is only found by the client it was issued to.
type codeKey struct {
	ClientID string
	Code     string
}

// authCode is an issued authorization code. Codes live in memory only and
// are lost on restart, as in Home Assistant.
type authCode struct {
	Created    int64
	Credential *authstore.Credential
	// Challenge is the PKCE S256 code challenge registered with the flow.
	Challenge string
}

// storeResult issues a code for a credential (store_result).
func (c *Core) storeResult(clientID string, cred *authstore.Credential, challenge string) string {
	c.sweepCodes()
	code := authstore.NewID(c.rng)
	c.codes[codeKey{clientID, code}] = &authCode{Created: c.now, Credential: cred, Challenge: challenge}
	return code
}

// retrieveResult takes a code out (retrieve_result): single use, even when
// it has expired.
func (c *Core) retrieveResult(clientID, code string) *authCode {
	key := codeKey{clientID, code}
	ac := c.codes[key]
	if ac == nil {
		return nil
	}
	delete(c.codes, key)
	if c.now-ac.Created >= authCodeLifetime {
		return nil
	}
	return ac
}

// maxCodes bounds the codes kept in memory; beyond it expired codes are
// dropped, so that abandoned codes cannot grow the core without limit.
const maxCodes = 1024

func (c *Core) sweepCodes() {
	if len(c.codes) < maxCodes {
		return
	}
	for k, ac := range c.codes {
		if c.now-ac.Created >= authCodeLifetime {
			delete(c.codes, k)
		}
	}
}
