package storage

import "github.com/hassauth/hassauth/core/orjson"

// HTTPAuthData is .storage/http.auth: the id of the system user "Home
// Assistant Content", whose refresh token signs paths for content. The zero
// value is what Home Assistant starts from without the file; it then creates
// the user and writes the id.
type HTTPAuthData struct {
	// ContentUser is the user id; not Valid when absent or not a string,
	// which Home Assistant treats as no user.
	ContentUser Null[string]
}

// DecodeHTTPAuth reads .storage/http.auth. Keys other than content_user are
// not kept.
func DecodeHTTPAuth(b []byte) (HTTPAuthData, []Notice, error) {
	var h HTTPAuthData
	var notObject bool
	env, err := decodeEnvelope(KeyHTTPAuth, b, func(d *orjson.Decoder) error {
		h, notObject = HTTPAuthData{}, false
		return readDataObject(d, &notObject, func(key []byte) error {
			if string(key) != "content_user" {
				return d.Skip()
			}
			h.ContentUser = Null[string]{}
			if k, err := d.Peek(); err != nil || k != orjson.String {
				if err != nil {
					return err
				}
				return d.Skip()
			}
			s, err := d.String()
			h.ContentUser = Some(s)
			return err
		})
	})
	if err != nil {
		return HTTPAuthData{}, nil, err
	}
	if notObject {
		return HTTPAuthData{}, append(env.notices, dataNotObject(KeyHTTPAuth)), nil
	}
	return h, env.notices, nil
}

// EncodeHTTPAuth writes .storage/http.auth as Home Assistant does; without
// a content user the data is {}.
func EncodeHTTPAuth(h HTTPAuthData) []byte {
	e := beginEnvelope(make([]byte, 0, 128), KeyHTTPAuth)
	e.BeginObject()
	if h.ContentUser.Valid {
		e.Key("content_user")
		e.String(h.ContentUser.V)
	}
	e.EndObject()
	return endEnvelope(e)
}
