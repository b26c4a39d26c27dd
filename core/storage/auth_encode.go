package storage

import "github.com/hassauth/hassauth/core/orjson"

// EncodeAuth writes .storage/auth exactly as Home Assistant does: the Store
// envelope, orjson's two-space layout, no trailing newline, and the fields of
// each record in Home Assistant's order. Records are written in slice order;
// a group's policy only for non-system groups; times as isoformat() of UTC;
// access_token_expiration as float seconds; expire_at as a float.
func EncodeAuth(a AuthData) []byte {
	return AppendAuth(nil, a)
}

// AppendAuth appends EncodeAuth(a) to buf, so that a host can reuse one
// buffer from save to save.
func AppendAuth(buf []byte, a AuthData) []byte {
	if buf == nil {
		buf = make([]byte, 0, authSizeHint(a))
	}
	e := beginEnvelope(buf, KeyAuth)
	appendAuthData(e, a)
	return endEnvelope(e)
}

// appendAuthData writes the data object of .storage/auth.
func appendAuthData(e *orjson.Encoder, a AuthData) {
	e.BeginObject()

	e.Key("users")
	e.BeginArray()
	for i := range a.Users {
		encodeUser(e, &a.Users[i])
	}
	e.EndArray()

	e.Key("groups")
	e.BeginArray()
	for i := range a.Groups {
		g := &a.Groups[i]
		e.BeginObject()
		e.Key("id")
		e.String(g.ID)
		e.Key("name")
		nullString(e, g.Name)
		if !g.SystemGenerated {
			e.Key("policy")
			e.Value(g.Policy)
		}
		e.EndObject()
	}
	e.EndArray()

	e.Key("credentials")
	e.BeginArray()
	for i := range a.Credentials {
		c := &a.Credentials[i]
		e.BeginObject()
		e.Key("id")
		e.String(c.ID)
		e.Key("user_id")
		e.String(c.UserID)
		e.Key("auth_provider_type")
		e.String(c.AuthProviderType)
		e.Key("auth_provider_id")
		nullString(e, c.AuthProviderID)
		e.Key("data")
		e.Value(c.Data)
		e.EndObject()
	}
	e.EndArray()

	e.Key("refresh_tokens")
	e.BeginArray()
	var tbuf []byte
	for i := range a.RefreshTokens {
		tbuf = encodeToken(e, &a.RefreshTokens[i], tbuf)
	}
	e.EndArray()

	e.EndObject()
}

// authSizeHint estimates the encoded size from the records' strings and
// the layout around them, so that a large document is written into one
// allocation of about its size.
func authSizeHint(a AuthData) int {
	n := 256 + 96*len(a.Groups)
	for i := range a.Users {
		u := &a.Users[i]
		n += 200 + len(u.ID) + len(u.Name.V)
		for _, g := range u.GroupIDs {
			n += 12 + len(g)
		}
	}
	n += 256 * len(a.Credentials)
	for i := range a.RefreshTokens {
		t := &a.RefreshTokens[i]
		// Keys, indentation, times and numbers take about 520 bytes.
		n += 520 + len(t.ID) + len(t.UserID) + len(t.ClientID.V) + len(t.ClientName.V) + len(t.ClientIcon.V) +
			len(t.Token) + len(t.JWTKey) + len(t.LastUsedIP.V) + len(t.CredentialID.V) + len(t.Version.V)
	}
	return n + n/64
}

func encodeUser(e *orjson.Encoder, u *User) {
	e.BeginObject()
	e.Key("id")
	e.String(u.ID)
	e.Key("group_ids")
	e.BeginArray()
	for _, g := range u.GroupIDs {
		e.String(g)
	}
	e.EndArray()
	e.Key("is_owner")
	e.Bool(u.IsOwner)
	e.Key("is_active")
	e.Bool(u.IsActive)
	e.Key("name")
	nullString(e, u.Name)
	e.Key("system_generated")
	e.Bool(u.SystemGenerated)
	e.Key("local_only")
	e.Bool(u.LocalOnly)
	e.EndObject()
}

// encodeToken writes one refresh token; tbuf is scratch space for the
// formatted times and numbers, returned for reuse.
func encodeToken(e *orjson.Encoder, t *RefreshToken, tbuf []byte) []byte {
	e.BeginObject()
	e.Key("id")
	e.String(t.ID)
	e.Key("user_id")
	e.String(t.UserID)
	e.Key("client_id")
	nullString(e, t.ClientID)
	e.Key("client_name")
	nullString(e, t.ClientName)
	e.Key("client_icon")
	nullString(e, t.ClientIcon)
	e.Key("token_type")
	e.String(t.TokenType)
	e.Key("created_at")
	tbuf = AppendTime(tbuf[:0], t.CreatedAt)
	e.String(string(tbuf))
	e.Key("access_token_expiration")
	e.Float(totalSeconds(t.AccessTokenExpiration))
	e.Key("token")
	e.String(t.Token)
	e.Key("jwt_key")
	e.String(t.JWTKey)
	e.Key("last_used_at")
	if t.LastUsedAt.Valid {
		tbuf = AppendTime(tbuf[:0], t.LastUsedAt.V)
		e.String(string(tbuf))
	} else {
		e.Null()
	}
	e.Key("last_used_ip")
	nullString(e, t.LastUsedIP)
	e.Key("expire_at")
	if t.ExpireAt.Valid {
		e.Float(t.ExpireAt.V)
	} else {
		e.Null()
	}
	e.Key("credential_id")
	nullString(e, t.CredentialID)
	e.Key("version")
	nullString(e, t.Version)
	e.EndObject()
	return tbuf
}

func nullString(e *orjson.Encoder, s Null[string]) {
	if s.Valid {
		e.String(s.V)
	} else {
		e.Null()
	}
}
