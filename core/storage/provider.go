package storage

import (
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// ProviderData is .storage/auth_provider.homeassistant: the local users of
// the homeassistant auth provider, in stored order. The zero value is what
// Home Assistant starts from when the file does not exist.
type ProviderData struct {
	Users []ProviderUser
}

// ProviderUser is one local user. Password is the stored text: base64 of
// the bcrypt hash ($2b$12$...), kept as it is.
type ProviderUser struct {
	Username string
	Password string
}

// DecodeProvider reads .storage/auth_provider.homeassistant. Data that is
// not an object gives the empty store, as in Home Assistant; a missing
// "users" list, a user without username or password, or a value that is not
// a string is an *Error.
func DecodeProvider(b []byte) (ProviderData, []Notice, error) {
	var p ProviderData
	var notObject, hasUsers bool
	env, err := decodeEnvelope(KeyProvider, b, func(d *orjson.Decoder) error {
		p, notObject, hasUsers = ProviderData{}, false, false
		return readDataObject(d, &notObject, func(key []byte) error {
			if string(key) != "users" {
				return d.Skip()
			}
			hasUsers = true
			p.Users = p.Users[:0]
			if k, err := d.Peek(); err != nil {
				return err
			} else if k != orjson.Array {
				return &Error{Key: KeyProvider, Path: "data.users", Msg: kindError("an array", k)}
			}
			return d.Array(func(i int) error {
				u, err := decodeProviderUser(d, i)
				p.Users = append(p.Users, u)
				return err
			})
		})
	})
	if err != nil {
		return ProviderData{}, nil, err
	}
	notices := env.notices
	switch {
	case env.defaults:
		return ProviderData{}, notices, nil
	case notObject:
		return ProviderData{}, append(notices, dataNotObject(KeyProvider)), nil
	case !hasUsers:
		return ProviderData{}, nil, &Error{Key: KeyProvider, Path: "data.users", Msg: "missing"}
	}
	if len(p.Users) == 0 {
		p.Users = nil
	}
	return p, notices, nil
}

func decodeProviderUser(d *orjson.Decoder, i int) (ProviderUser, error) {
	var u ProviderUser
	path := "data.users[" + strconv.Itoa(i) + "]"
	if k, err := d.Peek(); err != nil {
		return u, err
	} else if k != orjson.Object {
		return u, &Error{Key: KeyProvider, Path: path, Msg: kindError("an object", k)}
	}
	var hasName, hasPassword bool
	err := d.Object(func(key []byte) error {
		var dst *string
		switch string(key) {
		case "username":
			dst, hasName = &u.Username, true
		case "password":
			dst, hasPassword = &u.Password, true
		default:
			return d.Skip()
		}
		k, err := d.Peek()
		if err != nil {
			return err
		}
		if k != orjson.String {
			return &Error{Key: KeyProvider, Path: path + "." + string(key), Msg: kindError("a string", k)}
		}
		*dst, err = d.String()
		return err
	})
	if err != nil {
		return u, err
	}
	if !hasName {
		return u, &Error{Key: KeyProvider, Path: path + ".username", Msg: "missing"}
	}
	if !hasPassword {
		return u, &Error{Key: KeyProvider, Path: path + ".password", Msg: "missing"}
	}
	return u, nil
}

// EncodeProvider writes .storage/auth_provider.homeassistant as Home
// Assistant does.
func EncodeProvider(p ProviderData) []byte {
	e := beginEnvelope(make([]byte, 0, 160+160*len(p.Users)), KeyProvider)
	e.BeginObject()
	e.Key("users")
	e.BeginArray()
	for _, u := range p.Users {
		e.BeginObject()
		e.Key("username")
		e.String(u.Username)
		e.Key("password")
		e.String(u.Password)
		e.EndObject()
	}
	e.EndArray()
	e.EndObject()
	return endEnvelope(e)
}

func dataNotObject(key string) Notice {
	return Notice{Code: NoticeDataNotObject, Level: LevelWarning,
		Message: key + " data is not an object; starting from the defaults"}
}
