package scenario

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/storage"
)

// The fixtures: stored documents written by hand from fixed ids and
// secrets, so that scenarios can sign access tokens and compute TOTP codes
// on their own, without asking the core.

// T0 is every group's start: 2026-09-01T10:00:00Z.
const T0 = int64(1788256800) * Second

// Time units in microseconds.
const (
	Second = int64(1_000_000)
	Minute = 60 * Second
	Hour   = 60 * Minute
	Day    = 24 * Hour
)

// The client of Home Assistant's tests (tests/common.py).
const (
	ClientID    = "https://example.com/app"
	RedirectURI = "https://example.com/app/callback"
)

// Addresses requests come from.
const (
	LocalIP  = "192.168.1.10"
	LocalIP2 = "192.168.1.77"
	PublicIP = "198.51.100.1"
)

// Account is a user of the fixture with a homeassistant-provider login.
type Account struct {
	UserID    string
	CredID    string
	Name      string
	Username  string
	Password  string
	Group     string
	Owner     bool
	Active    bool
	LocalOnly bool
	System    bool
	// TOTP is the user's authenticator secret, if set up.
	TOTP string
}

// Token is a refresh token of the fixture.
type Token struct {
	ID         string
	User       *Account
	ClientID   string
	ClientName string
	Type       string
	// AccessSeconds is the access-token lifetime.
	AccessSeconds int64
	// ExpireAt is the Unix time in seconds; 0 means none.
	ExpireAt int64
	Created  int64
}

// Secret is the refresh token string.
func (t *Token) Secret() string { return derive("token", t.ID, 64) }

// JWTKey is the key its access tokens are signed with.
func (t *Token) JWTKey() string { return derive("jwt_key", t.ID, 64) }

// derive makes a fixed hex secret of n bytes from a label.
func derive(kind, label string, n int) string {
	sum := sha512.Sum512([]byte("hassauth vectors " + kind + " " + label))
	return hex.EncodeToString(sum[:n])
}

// The users. Ids are uuid4-shaped hex, chosen to be recognisable.
var (
	Alice = &Account{UserID: "a11ce000000040008000000000000001", CredID: "c0000000000040008000000000a11ce1", Name: "Alice",
		Username: "alice", Password: "alice-pass-1", Group: storage.GroupIDAdmin, Owner: true, Active: true}
	Bob = &Account{UserID: "b0b00000000040008000000000000002", CredID: "c00000000000400080000000000b0b2", Name: "Bob",
		Username: "bob", Password: "bob-pass-2", Group: storage.GroupIDUser, Active: true}
	Carol = &Account{UserID: "ca201000000040008000000000000003", CredID: "c000000000004000800000000ca20103", Name: "Carol",
		Username: "carol", Password: "carol-pass-3", Group: storage.GroupIDUser, Active: true, LocalOnly: true}
	Dave = &Account{UserID: "da7e0000000040008000000000000004", CredID: "c000000000004000800000000da7e004", Name: "Dave",
		Username: "dave", Password: "dave-pass-4", Group: storage.GroupIDUser, Active: false}
	Erin = &Account{UserID: "e2100000000040008000000000000005", CredID: "c000000000004000800000000e210005", Name: "Erin",
		Username: "erin", Password: "erin-pass-5", Group: storage.GroupIDUser, Active: true, TOTP: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
	Supervisor = &Account{UserID: "50e2f100000040008000000000000006", Name: "Supervisor", Group: storage.GroupIDAdmin,
		Active: true, System: true}
)

// Accounts lists the fixture's users in stored order.
var Accounts = []*Account{Alice, Bob, Carol, Dave, Erin, Supervisor}

// The refresh tokens.
var (
	AliceRT  = &Token{ID: "70c0000000004000800000000a11ce01", User: Alice, ClientID: ClientID, Type: storage.TokenTypeNormal}
	BobRT    = &Token{ID: "70c00000000040008000000000b0b002", User: Bob, ClientID: ClientID, Type: storage.TokenTypeNormal}
	CarolRT  = &Token{ID: "70c0000000004000800000000ca20103", User: Carol, ClientID: ClientID, Type: storage.TokenTypeNormal}
	DaveRT   = &Token{ID: "70c0000000004000800000000da7e004", User: Dave, ClientID: ClientID, Type: storage.TokenTypeNormal}
	SystemRT = &Token{ID: "70c00000000040008000000050e2f106", User: Supervisor, Type: storage.TokenTypeSystem}
	LLATRT   = &Token{ID: "70c000000000400080000000a11ce11a", User: Alice, ClientName: "GPS Logger", Type: storage.TokenTypeLongLived,
		AccessSeconds: 3650 * 86400}
)

// Tokens lists the fixture's refresh tokens.
var Tokens = []*Token{AliceRT, BobRT, CarolRT, DaveRT, SystemRT, LLATRT}

// Fixture is a set of stored documents.
type Fixture struct {
	Accounts []*Account
	Tokens   []*Token
}

// MainFixture holds every account and token.
var MainFixture = &Fixture{Accounts: Accounts, Tokens: Tokens}

// EmptyFixture is a configuration directory with nothing in it yet.
var EmptyFixture = &Fixture{}

// Files writes the fixture's documents. Tokens were created an hour
// before T0, and normal ones expire 90 days after that unless ExpireAt
// says otherwise.
func (f *Fixture) Files() []core.File {
	if len(f.Accounts) == 0 {
		return []core.File{}
	}
	auth := storage.DefaultAuth()
	var prov storage.ProviderData
	var tot storage.TOTPData
	for _, a := range f.Accounts {
		groups := []string{}
		if a.Group != "" {
			groups = []string{a.Group}
		}
		auth.Users = append(auth.Users, storage.User{
			ID: a.UserID, GroupIDs: groups, IsOwner: a.Owner, IsActive: a.Active,
			Name: storage.Some(a.Name), SystemGenerated: a.System, LocalOnly: a.LocalOnly,
		})
		if a.Username != "" {
			auth.Credentials = append(auth.Credentials, storage.Credential{
				ID: a.CredID, UserID: a.UserID, AuthProviderType: "homeassistant",
				Data: orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "username", Value: orjson.StringValue(a.Username)}}},
			})
			prov.Users = append(prov.Users, storage.ProviderUser{Username: a.Username, Password: HashPassword(a.Username, a.Password)})
		}
		if a.TOTP != "" {
			tot.Users = append(tot.Users, storage.TOTPUser{UserID: a.UserID, Secret: a.TOTP})
		}
	}
	for _, a := range f.Accounts {
		for _, t := range f.Tokens {
			if t.User == a {
				auth.RefreshTokens = append(auth.RefreshTokens, t.record())
			}
		}
	}
	files := []core.File{
		{Path: core.PathAuth, Data: storage.EncodeAuth(auth)},
		{Path: core.PathProvider, Data: storage.EncodeProvider(prov)},
	}
	if len(tot.Users) > 0 {
		files = append(files, core.File{Path: core.PathTOTP, Data: storage.EncodeTOTP(tot)})
	}
	return files
}

func (t *Token) record() storage.RefreshToken {
	created := t.Created
	if created == 0 {
		created = T0 - Hour
	}
	access := t.AccessSeconds
	if access == 0 {
		access = 1800
	}
	r := storage.RefreshToken{
		ID: t.ID, UserID: t.User.UserID, TokenType: t.Type, CreatedAt: created,
		AccessTokenExpiration: access * Second, Token: t.Secret(), JWTKey: t.JWTKey(),
		Version: storage.Some(core.DefaultHAVersion),
	}
	if t.ClientID != "" {
		r.ClientID = storage.Some(t.ClientID)
	}
	if t.ClientName != "" {
		r.ClientName = storage.Some(t.ClientName)
	}
	if t.Type == storage.TokenTypeNormal {
		exp := t.ExpireAt
		if exp == 0 {
			exp = (created + 90*Day) / Second
		}
		r.ExpireAt = storage.Some(float64(exp))
	}
	if t.User.CredID != "" && t.Type == storage.TokenTypeNormal {
		r.CredentialID = storage.Some(t.User.CredID)
	}
	return r
}

// HashPassword is the stored form of a password: base64 of a bcrypt hash
// of cost 4 with a salt fixed by the username.
func HashPassword(username, pw string) string {
	sum := sha256.Sum256([]byte("salt " + username))
	var salt [16]byte
	copy(salt[:], sum[:])
	return password.EncodeStored(password.Hash(pw, salt, 4))
}

var b64 = base64.RawURLEncoding

// SignJWT builds an HS256-style JWS from a header and payload JSON with
// key, independently of core/jwt.
func SignJWT(key, header, payload string) string {
	in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(in))
	return in + "." + b64.EncodeToString(mac.Sum(nil))
}

// StdHeader is the header PyJWT writes.
const StdHeader = `{"alg":"HS256","typ":"JWT"}`

// Access signs an access token of t issued at iat (Unix seconds) that
// lives t's access lifetime.
func (t *Token) Access(iat int64) string {
	life := t.AccessSeconds
	if life == 0 {
		life = 1800
	}
	return SignJWT(t.JWTKey(), StdHeader, `{"iss":"`+t.ID+`","iat":`+strconv.FormatInt(iat, 10)+`,"exp":`+strconv.FormatInt(iat+life, 10)+`}`)
}

// AccessNow signs an access token issued at the session's clock.
func (s *Session) AccessNow(t *Token) string { return t.Access(s.Now / Second) }

// TOTPCode is the authenticator code of a secret at a time in
// microseconds, computed with an independent implementation of RFC 6238.
func TOTPCode(secret string, at int64) string {
	code, err := totp.GenerateCodeCustom(secret, time.Unix(at/Second, 0).UTC(), totp.ValidateOpts{
		Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		panic(err)
	}
	return code
}
