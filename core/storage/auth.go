package storage

import "github.com/hassauth/hassauth/core/orjson"

// System group ids and names, as Home Assistant's auth store defines them.
// System groups are always rebuilt from these on load; their stored name and
// policy are ignored.
const (
	GroupIDAdmin    = "system-admin"
	GroupIDUser     = "system-users"
	GroupIDReadOnly = "system-read-only"

	GroupNameAdmin    = "Administrators"
	GroupNameUser     = "Users"
	GroupNameReadOnly = "Read Only"
)

// Refresh token types.
const (
	TokenTypeNormal    = "normal"
	TokenTypeSystem    = "system"
	TokenTypeLongLived = "long_lived_access_token"
)

// AuthData is the content of .storage/auth as Home Assistant holds it after
// loading: migrations applied, records in the order it keeps them in memory
// (and so writes them): credentials and refresh tokens grouped by user, in
// user order.
type AuthData struct {
	Users         []User
	Groups        []Group
	Credentials   []Credential
	RefreshTokens []RefreshToken
}

// User is one stored user, fields in the document's order.
type User struct {
	ID              string
	GroupIDs        []string
	IsOwner         bool
	IsActive        bool
	Name            Null[string]
	SystemGenerated bool
	LocalOnly       bool
}

// Group is one group. Policy is the permission policy, kept as JSON; for
// system groups it is Home Assistant's built-in policy and is not written.
type Group struct {
	ID              string
	Name            Null[string]
	Policy          orjson.Value
	SystemGenerated bool
}

// Credential links a user to an auth provider's account. Data is the
// provider's own object, e.g. {"username": "alice"}.
type Credential struct {
	ID               string
	UserID           string
	AuthProviderType string
	AuthProviderID   Null[string]
	Data             orjson.Value
}

// RefreshToken is one stored refresh token, fields in the document's order.
type RefreshToken struct {
	ID         string
	UserID     string
	ClientID   Null[string]
	ClientName Null[string]
	ClientIcon Null[string]
	TokenType  string
	// CreatedAt is Unix microseconds.
	CreatedAt int64
	// AccessTokenExpiration is the lifetime of its access tokens in
	// microseconds (a Python timedelta, stored as float seconds).
	AccessTokenExpiration int64
	Token                 string
	JWTKey                string
	// LastUsedAt is Unix microseconds, null if never used.
	LastUsedAt Null[int64]
	LastUsedIP Null[string]
	// ExpireAt is a Unix timestamp in seconds, kept as the float it is.
	ExpireAt     Null[float64]
	CredentialID Null[string]
	Version      Null[string]
}

// Policies of the system groups: {"entities": true} for admins and users,
// {"entities": {"all": {"read": true}}} for read-only.
var (
	adminPolicy    = objectValue("entities", orjson.BoolValue(true))
	userPolicy     = objectValue("entities", orjson.BoolValue(true))
	readOnlyPolicy = objectValue("entities", objectValue("all", objectValue("read", orjson.BoolValue(true))))
)

func objectValue(key string, v orjson.Value) orjson.Value {
	return orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: key, Value: v}}}
}

// systemGroup returns the system group with id as Home Assistant builds it,
// and false for other ids. Each call gives a fresh policy value, so that no
// caller can change another's.
func systemGroup(id string) (Group, bool) {
	var name string
	var policy orjson.Value
	switch id {
	case GroupIDAdmin:
		name, policy = GroupNameAdmin, adminPolicy
	case GroupIDUser:
		name, policy = GroupNameUser, userPolicy
	case GroupIDReadOnly:
		name, policy = GroupNameReadOnly, readOnlyPolicy
	default:
		return Group{}, false
	}
	return Group{ID: id, Name: Some(name), Policy: cloneValue(policy), SystemGenerated: true}, true
}

func cloneValue(v orjson.Value) orjson.Value {
	if v.Arr != nil {
		arr := make([]orjson.Value, len(v.Arr))
		for i, it := range v.Arr {
			arr[i] = cloneValue(it)
		}
		v.Arr = arr
	}
	if v.Obj != nil {
		obj := make([]orjson.Member, len(v.Obj))
		for i, m := range v.Obj {
			obj[i] = orjson.Member{Key: m.Key, Value: cloneValue(m.Value)}
		}
		v.Obj = obj
	}
	return v
}

// DefaultAuth is what Home Assistant starts from when .storage/auth does
// not exist: no users and the three system groups, in the order admin,
// users, read-only.
func DefaultAuth() AuthData {
	admin, _ := systemGroup(GroupIDAdmin)
	user, _ := systemGroup(GroupIDUser)
	readOnly, _ := systemGroup(GroupIDReadOnly)
	return AuthData{Groups: []Group{admin, user, readOnly}}
}
