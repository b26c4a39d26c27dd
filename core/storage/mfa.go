package storage

import (
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// TOTPData is .storage/auth_module.totp: each user's TOTP secret, in the
// order Home Assistant's dict holds them. The zero value is the empty store.
type TOTPData struct {
	Users []TOTPUser
}

// TOTPUser is one user's base32 TOTP secret.
type TOTPUser struct {
	UserID string
	Secret string
}

// NotifyData is .storage/auth_module.notify: each user's notify MFA
// settings, in dict order. The zero value is the empty store.
type NotifyData struct {
	Users []NotifyUser
}

// NotifyUser is one user's notify service and optional target. The
// per-login HOTP secret and counter are never stored.
type NotifyUser struct {
	UserID        string
	NotifyService Null[string]
	Target        Null[string]
}

// DecodeTOTP reads .storage/auth_module.totp. Data that is not an object,
// or has no "users", gives the empty store; a secret that is not a string is
// an *Error. A user id given twice keeps its first place and last secret, as
// a Python dict does.
func DecodeTOTP(b []byte) (TOTPData, []Notice, error) {
	var t TOTPData
	notices, err := decodeUserMap(KeyTOTP, b, func(d *orjson.Decoder, userID string, path string) (int, error) {
		k, err := d.Peek()
		if err != nil {
			return 0, err
		}
		if k != orjson.String {
			return 0, &Error{Key: KeyTOTP, Path: path, Msg: kindError("a string", k)}
		}
		secret, err := d.String()
		t.Users = append(t.Users, TOTPUser{UserID: userID, Secret: secret})
		return len(t.Users) - 1, err
	}, func(keep, drop int) {
		t.Users[keep].Secret = t.Users[drop].Secret
		t.Users = t.Users[:drop]
	}, func() { t.Users = t.Users[:0] })
	if err != nil {
		return TOTPData{}, nil, err
	}
	if len(t.Users) == 0 {
		t.Users = nil
	}
	return t, notices, nil
}

// EncodeTOTP writes .storage/auth_module.totp as Home Assistant does.
func EncodeTOTP(t TOTPData) []byte {
	e := beginEnvelope(make([]byte, 0, 160+80*len(t.Users)), KeyTOTP)
	e.BeginObject()
	e.Key("users")
	e.BeginObject()
	for _, u := range t.Users {
		e.Key(u.UserID)
		e.String(u.Secret)
	}
	e.EndObject()
	e.EndObject()
	return endEnvelope(e)
}

// DecodeNotify reads .storage/auth_module.notify. Data that is not an
// object, or has no "users", gives the empty store. A setting must be an
// object whose keys are among notify_service, target, secret and counter
// (Home Assistant builds its settings from them and fails on others);
// secret and counter are dropped, as Home Assistant never writes them.
func DecodeNotify(b []byte) (NotifyData, []Notice, error) {
	var n NotifyData
	notices, err := decodeUserMap(KeyNotify, b, func(d *orjson.Decoder, userID string, path string) (int, error) {
		u := NotifyUser{UserID: userID}
		k, err := d.Peek()
		if err != nil {
			return 0, err
		}
		if k != orjson.Object {
			return 0, &Error{Key: KeyNotify, Path: path, Msg: kindError("an object", k)}
		}
		err = d.Object(func(key []byte) error {
			var dst *Null[string]
			switch string(key) {
			case "notify_service":
				dst = &u.NotifyService
			case "target":
				dst = &u.Target
			case "secret", "counter":
				return d.Skip()
			default:
				return &Error{Key: KeyNotify, Path: path, Msg: "unknown setting " + strconv.Quote(string(key))}
			}
			k, err := d.Peek()
			if err != nil {
				return err
			}
			switch k {
			case orjson.String:
				s, err := d.String()
				*dst = Some(s)
				return err
			case orjson.Null:
				*dst = Null[string]{}
				return d.Null()
			}
			return &Error{Key: KeyNotify, Path: path + "." + string(key), Msg: kindError("a string or null", k)}
		})
		n.Users = append(n.Users, u)
		return len(n.Users) - 1, err
	}, func(keep, drop int) {
		n.Users[keep] = n.Users[drop]
		n.Users = n.Users[:drop]
	}, func() { n.Users = n.Users[:0] })
	if err != nil {
		return NotifyData{}, nil, err
	}
	if len(n.Users) == 0 {
		n.Users = nil
	}
	return n, notices, nil
}

// EncodeNotify writes .storage/auth_module.notify as Home Assistant does.
func EncodeNotify(n NotifyData) []byte {
	e := beginEnvelope(make([]byte, 0, 160+128*len(n.Users)), KeyNotify)
	e.BeginObject()
	e.Key("users")
	e.BeginObject()
	for _, u := range n.Users {
		e.Key(u.UserID)
		e.BeginObject()
		e.Key("notify_service")
		nullString(e, u.NotifyService)
		e.Key("target")
		nullString(e, u.Target)
		e.EndObject()
	}
	e.EndObject()
	e.EndObject()
	return endEnvelope(e)
}

// decodeUserMap reads an MFA module store, {"users": {"<user id>": ...}}.
// readUser reads one entry and returns its index; on a repeated user id,
// merge(first, last) folds the last entry into the first one's place; reset
// forgets the entries read when "users" itself is given again.
func decodeUserMap(key string, b []byte, readUser func(d *orjson.Decoder, userID, path string) (int, error), merge func(keep, drop int), reset func()) ([]Notice, error) {
	var notObject bool
	env, err := decodeEnvelope(key, b, func(d *orjson.Decoder) error {
		notObject = false
		reset()
		return readDataObject(d, &notObject, func(k []byte) error {
			if string(k) != "users" {
				return d.Skip()
			}
			kind, err := d.Peek()
			if err != nil {
				return err
			}
			if kind != orjson.Object {
				return &Error{Key: key, Path: "data.users", Msg: kindError("an object", kind)}
			}
			reset()
			index := map[string]int{}
			return d.Object(func(uid []byte) error {
				userID := string(uid)
				i, err := readUser(d, userID, "data.users."+strconv.Quote(userID))
				if err != nil {
					return err
				}
				if first, ok := index[userID]; ok {
					merge(first, i)
				} else {
					index[userID] = i
				}
				return nil
			})
		})
	})
	if err != nil {
		return nil, err
	}
	if notObject {
		return append(env.notices, dataNotObject(key)), nil
	}
	return env.notices, nil
}
