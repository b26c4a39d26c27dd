package core

import (
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/otp"
	"github.com/hassauth/hassauth/core/schema"
	"github.com/hassauth/hassauth/core/storage"
)

// mfaTOTP is the totp module: RFC 6238 codes from an authenticator app,
// secrets kept in .storage/auth_module.totp.
type mfaTOTP struct {
	mfaBase
	// secrets maps user ids to base32 secrets; order keeps the stored
	// order, which Home Assistant's dict preserves when it writes.
	secrets map[string]string
	order   []string
}

func newTOTPModule(id string, name *string) *mfaTOTP {
	title := "Time-based One Time Password"
	if name != nil {
		title = *name
	}
	return &mfaTOTP{mfaBase: mfaBase{moduleID: id, title: title, retries: 5}, secrets: map[string]string{}}
}

func (m *mfaTOTP) inputForm() *schema.Schema { return schema.MFACode }

func (m *mfaTOTP) isSetUp(_ *Core, userID string) bool {
	_, ok := m.secrets[userID]
	return ok
}

// validate checks a login code with a window of one step each way; a user
// without a secret is checked against a dummy one, to take the same time.
func (m *mfaTOTP) validate(c *Core, _ *loginFlow, userID string, input orjson.Value) bool {
	code, _ := input.Get("code")
	secret, known := m.secrets[userID]
	return otp.VerifyLogin(secret, known, code.Str, c.nowSeconds())
}

func (m *mfaTOTP) depose(c *Core, userID string) error {
	if _, ok := m.secrets[userID]; !ok {
		return nil
	}
	delete(m.secrets, userID)
	for i, id := range m.order {
		if id == userID {
			m.order = append(m.order[:i], m.order[i+1:]...)
			break
		}
	}
	c.saveTOTP(m)
	return nil
}

// setSecret stores a user's secret (async_setup_user).
func (m *mfaTOTP) setSecret(c *Core, userID, secret string) {
	if _, ok := m.secrets[userID]; !ok {
		m.order = append(m.order, userID)
	}
	m.secrets[userID] = secret
	c.saveTOTP(m)
}

func (m *mfaTOTP) load(c *Core, files map[string][]byte) *Fatal {
	b, ok := files[PathTOTP]
	if !ok {
		return nil
	}
	d, notices, err := storage.DecodeTOTP(b)
	if err != nil {
		return &Fatal{Path: PathTOTP, Message: err.Error()}
	}
	c.logNotices(PathTOTP, notices)
	for _, u := range d.Users {
		if _, ok := m.secrets[u.UserID]; !ok {
			m.order = append(m.order, u.UserID)
		}
		m.secrets[u.UserID] = u.Secret
	}
	return nil
}

// saveTOTP writes the module's secrets at once, as Home Assistant does.
func (c *Core) saveTOTP(m *mfaTOTP) {
	var d storage.TOTPData
	for _, id := range m.order {
		d.Users = append(d.Users, storage.TOTPUser{UserID: id, Secret: m.secrets[id]})
	}
	c.emit(Effect{Write: &Write{Path: PathTOTP, Data: storage.EncodeTOTP(d), Private: true}})
}

// setupStep is the totp setup flow's one step, init. Shown without input
// it draws a new secret and shows it with its provisioning URI and QR code;
// with a code valid for the current 30-second step only, it stores the
// secret and finishes with it as the result; with another code it shows
// the same secret again with invalid_code.
func (m *mfaTOTP) setupStep(c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult {
	errs := ""
	if filled(input) {
		code, _ := input.Get("code")
		if otp.VerifyTOTP(f.Secret, code.Str, c.nowSeconds(), otp.SetupWindow) {
			m.setSecret(c, f.UserID, f.Secret)
			return setupResult{stepResult: entryResult(resultObject(orjson.StringValue(f.Secret)))}
		}
		errs = errorInvalidCode
	} else {
		secret, err := otp.NewSecret(c.rng)
		if err != nil {
			return setupError(wsErrUnknownError, wsMsgUnknownError)
		}
		// The account is str(user.name): a user without a name is "None".
		account := "None"
		if u := c.store.User(f.UserID); u != nil && u.Name != nil {
			account = *u.Name
		}
		url := otp.ProvisioningURI(secret, account)
		qr, err := otp.QRCodeSVG(url)
		if err != nil {
			c.logf(LogError, "Cannot make the QR code of a TOTP setup: "+err.Error())
			return setupError(wsErrUnknownError, wsMsgUnknownError)
		}
		f.Secret, f.URL, f.QRCode = secret, url, qr
	}
	r := formResult(stepInit, schema.MFACode, errs)
	r.placeholders = []orjson.Member{
		{Key: "code", Value: orjson.StringValue(f.Secret)},
		{Key: "url", Value: orjson.StringValue(f.URL)},
		{Key: "qr_code", Value: orjson.StringValue(f.QRCode)},
	}
	return setupResult{stepResult: r}
}
