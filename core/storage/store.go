package storage

import (
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// Store keys: the file names under .storage and the "key" field of each
// document.
const (
	KeyAuth     = "auth"
	KeyProvider = "auth_provider.homeassistant"
	KeyTOTP     = "auth_module.totp"
	KeyNotify   = "auth_module.notify"
	KeyHTTPAuth = "http.auth"
)

// Version and MinorVersion are what every store here writes; Home Assistant
// creates all of them with version 1 and the default minor version 1.
const (
	Version      = 1
	MinorVersion = 1
)

// Null is a value that Home Assistant may store as JSON null. Valid is
// false for null (and for a missing key where Home Assistant reads the key
// with a default of None, since it writes both back as null).
type Null[T any] struct {
	V     T
	Valid bool
}

// Some returns a non-null value.
func Some[T any](v T) Null[T] { return Null[T]{V: v, Valid: true} }

// Level is how loudly a Notice should be logged.
type Level uint8

// Notice levels, matching what Home Assistant logs for the same event; info
// for the migrations it applies silently.
const (
	LevelInfo Level = iota
	LevelWarning
	LevelError
)

// NoticeCode says what a Notice is about.
type NoticeCode string

// Notice codes.
const (
	// NoticeEmptyDocument: the document is {}; Home Assistant treats it as
	// no data and starts from the defaults.
	NoticeEmptyDocument NoticeCode = "empty_document"
	// NoticeDataNotObject: "data" is not an object; Home Assistant starts
	// from the defaults (and writes them over the file later).
	NoticeDataNotObject NoticeCode = "data_not_object"
	// NoticeMinorVersion: the document has another minor version. Home
	// Assistant loads it as it is and writes it back at once with minor
	// version 1, so the host should write the re-encoded document now.
	NoticeMinorVersion NoticeCode = "minor_version"
	// NoticeKeyMismatch: the document's "key" is not the store's key.
	// Home Assistant does not check it.
	NoticeKeyMismatch NoticeCode = "key_mismatch"
	// NoticeGroupWithoutPolicy: a non-system group without a policy was
	// dropped (migration from the single all-access group of 0.81).
	NoticeGroupWithoutPolicy NoticeCode = "group_without_policy"
	// NoticeUsersToAdmin: the document has no groups, so every non-system
	// user was put in system-admin (migration from before 0.81).
	NoticeUsersToAdmin NoticeCode = "users_to_admin"
	// NoticeSystemGroupAdded: a missing system group was created.
	NoticeSystemGroupAdded NoticeCode = "system_group_added"
	// NoticeTokenWithoutJWTKey: a refresh token from before 0.76, which
	// has no jwt_key, was dropped.
	NoticeTokenWithoutJWTKey NoticeCode = "token_without_jwt_key"
	// NoticeTokenInvalidCreatedAt: a refresh token whose created_at does
	// not parse was dropped; Home Assistant logs this as an error.
	NoticeTokenInvalidCreatedAt NoticeCode = "token_invalid_created_at"
)

// Notice reports something a decoder did to a document the way Home
// Assistant does on load: a migration, a dropped record, a default.
type Notice struct {
	Code    NoticeCode
	Level   Level
	Message string
}

// Error says why a stored document cannot be loaded. The host refuses to
// start and names the file; the file must not be overwritten.
type Error struct {
	// Key is the store key, e.g. "auth".
	Key string
	// Path locates the problem, e.g. "data.refresh_tokens[3].created_at";
	// empty for the document as a whole.
	Path string
	// Msg says what is wrong.
	Msg string
	// Err is the underlying error, if any (an *orjson.SyntaxError for a
	// document that is not JSON).
	Err error
}

func (e *Error) Error() string {
	s := e.Key + ": "
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// lineCol describes an offset the way Python's JSON errors do, so that a
// message can be compared with what Home Assistant logs for the same file.
func lineCol(data []byte, off int) string {
	if off > len(data) {
		off = len(data)
	}
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return "line " + strconv.Itoa(line) + " column " + strconv.Itoa(col) + " (char " + strconv.Itoa(off) + ")"
}

// docError turns a decoding failure into an *Error for store key, at path.
func docError(key string, data []byte, path string, err error) error {
	if e, ok := err.(*Error); ok {
		return e
	}
	if se, ok := err.(*orjson.SyntaxError); ok {
		return &Error{Key: key, Path: path, Msg: "not valid JSON: " + se.Msg + " at " + lineCol(data, se.Offset), Err: err}
	}
	if err == orjson.ErrDepth {
		return &Error{Key: key, Path: path, Msg: "not valid JSON: nested too deeply", Err: err}
	}
	return &Error{Key: key, Path: path, Msg: err.Error(), Err: err}
}

// envelope is what decodeEnvelope found around the data.
type envelope struct {
	// defaults is true when the document holds no data at all ({}).
	defaults bool
	notices  []Notice
}

// decodeEnvelope reads Home Assistant's Store envelope
// {"version":1,"minor_version":1,"key":...,"data":...} and hands the data
// value to readData, with the rules of Store's loader: {} means no data;
// "version" must be 1 (a newer major version is refused, an older one has
// no migration); another minor version is loaded as it is; "key" is not
// checked; "data" must be present.
//
// readData reads exactly one value and must start afresh on each call. When
// the version comes before the data, as Home Assistant writes it, the data
// is read in the same pass; otherwise, or when the data is refused (a
// repeated "data" key may still replace it), it is read in a second pass,
// once the version is known, from the last "data" given.
func decodeEnvelope(key string, b []byte, readData func(d *orjson.Decoder) error) (envelope, error) {
	env, dataRefused, err := envelopePass(key, b, readData, true)
	if dataRefused {
		env, _, err = envelopePass(key, b, readData, false)
	}
	return env, err
}

func envelopePass(key string, b []byte, readData func(d *orjson.Decoder) error, inline bool) (env envelope, dataRefused bool, err error) {
	if len(b) == 0 {
		return env, false, &Error{Key: key, Msg: "empty file, not a Home Assistant store document"}
	}
	d := orjson.NewDecoder(b)
	k, err := d.Peek()
	if err != nil {
		return env, false, docError(key, b, "", err)
	}
	if k != orjson.Object {
		return env, false, &Error{Key: key, Msg: "not a Home Assistant store document: top level is " + k.String() + ", not an object"}
	}
	var (
		members              int
		version, minor       orjson.Value
		hasVersion, hasMinor bool
		storedKey            string
		hasKey               bool
		dataStart, dataEnd   int
		hasData, dataRead    bool
	)
	checkVersion := func() error {
		if !isOne(version) {
			return &Error{Key: key, Path: "version", Msg: "unsupported storage version " + string(orjson.Marshal(version)) + " (this build reads version 1)"}
		}
		return nil
	}
	err = d.Object(func(k []byte) error {
		members++
		switch string(k) {
		case "version":
			v, err := d.Value()
			version, hasVersion = v, true
			return err
		case "minor_version":
			v, err := d.Value()
			minor, hasMinor = v, true
			return err
		case "key":
			if kk, err := d.Peek(); err == nil && kk == orjson.String {
				s, err := d.String()
				storedKey, hasKey = s, true
				return err
			}
			hasKey = false
			return d.Skip()
		case "data":
			hasData = true
			if inline && hasVersion {
				if err := checkVersion(); err != nil {
					return err
				}
				dataRead = true
				err := readData(d)
				if _, ok := err.(*Error); ok {
					dataRefused = true
				}
				return err
			}
			if _, err := d.Peek(); err != nil {
				return err
			}
			dataStart = d.Offset()
			err := d.Skip()
			dataEnd, dataRead = d.Offset(), false
			return err
		default:
			return d.Skip()
		}
	})
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return env, dataRefused, docError(key, b, "", err)
	}
	if members == 0 {
		env.defaults = true
		env.notices = append(env.notices, Notice{Code: NoticeEmptyDocument, Level: LevelWarning,
			Message: "stored document is empty ({}); starting from the defaults"})
		return env, false, nil
	}
	if !hasVersion {
		return env, false, &Error{Key: key, Msg: "not a Home Assistant store document: no \"version\""}
	}
	if err := checkVersion(); err != nil {
		return env, false, err
	}
	if hasMinor && !isOne(minor) {
		env.notices = append(env.notices, Notice{Code: NoticeMinorVersion, Level: LevelInfo,
			Message: "Migrating " + key + " storage from 1." + string(orjson.Marshal(minor)) + " to 1.1"})
	}
	if hasKey && storedKey != key {
		env.notices = append(env.notices, Notice{Code: NoticeKeyMismatch, Level: LevelWarning,
			Message: "stored key " + strconv.Quote(storedKey) + " is not " + strconv.Quote(key)})
	}
	if !hasData {
		return env, false, &Error{Key: key, Msg: "not a Home Assistant store document: no \"data\""}
	}
	if !dataRead {
		dd := orjson.NewDecoder(b[dataStart:dataEnd])
		err := readData(dd)
		if err == nil {
			err = dd.Finish()
		}
		if se, ok := err.(*orjson.SyntaxError); ok {
			// Offsets from this decoder count from the data value.
			se2 := *se
			se2.Offset += dataStart
			err = &se2
		}
		if err != nil {
			return env, false, docError(key, b, "", err)
		}
	}
	return env, false, nil
}

// readDataObject reads the data value of a store whose data must be an
// object, calling member for each key; for any other value it sets
// *notObject, as Home Assistant then starts from the defaults.
func readDataObject(d *orjson.Decoder, notObject *bool, member func(key []byte) error) error {
	k, err := d.Peek()
	if err != nil {
		return err
	}
	if k != orjson.Object {
		*notObject = true
		return d.Skip()
	}
	return d.Object(member)
}

// isOne reports whether a stored version number equals 1 the way Python's
// == does between the number orjson loaded and the int 1 (so 1.0 counts).
func isOne(v orjson.Value) bool {
	if v.Kind != orjson.Number {
		return false
	}
	f, ok := v.Float()
	return ok && f == 1
}

// beginEnvelope starts a document in Home Assistant's Store layout and
// leaves the encoder inside "data"; endEnvelope closes it.
func beginEnvelope(buf []byte, key string) *orjson.Encoder {
	e := orjson.NewEncoder(buf, true)
	e.BeginObject()
	e.Key("version")
	e.Int(Version)
	e.Key("minor_version")
	e.Int(MinorVersion)
	e.Key("key")
	e.String(key)
	e.Key("data")
	return e
}

func endEnvelope(e *orjson.Encoder) []byte {
	e.EndObject()
	return e.Bytes()
}

// kindError is the message for a value of the wrong JSON type.
func kindError(want string, got orjson.Kind) string {
	return "must be " + want + ", not " + got.String()
}
