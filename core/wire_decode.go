package core

import (
	"errors"

	"github.com/hassauth/hassauth/core/orjson"
)

// decodeInput reads an input's wire JSON straight into an Input, without
// building a tree of orjson Values first: no member slices, no copies of
// keys, one copy of each string. It handles what AppendInput writes and
// what hosts send; it gives up (ok false) on anything else: malformed
// JSON, a member of the wrong type, a member given twice, base64 bytes,
// not exactly one event. ParseInput then reads the input again through
// the tree, which gives the answer (or the error) for those, so that both
// ways agree on every input (FuzzDecodeInput checks it).
func decodeInput(b []byte) (in Input, ok bool) {
	d := orjson.NewDecoder(b)
	var seen uint16
	events := 0
	err := d.Object(func(key []byte) error {
		var bit uint16
		var err error
		switch string(key) {
		case "now":
			bit = 1 << 0
			in.Now, err = wireInt(d)
		case "entropy":
			bit = 1 << 1
			in.Entropy, err = wireBytes(d)
		case "load":
			bit = 1 << 2
			in.Load, err = wireLoad(d)
		case "http":
			bit = 1 << 3
			in.HTTP, err = wireHTTP(d)
		case "ws_open":
			bit = 1 << 4
			in.WSOpen, err = wireWSOpen(d)
		case "ws_message":
			bit = 1 << 5
			in.WSMessage, err = wireWSMessage(d)
		case "ws_closed":
			bit = 1 << 6
			in.WSClosed = &WSClosed{}
			err = wireFields(d, func(key []byte) (uint16, error) {
				if string(key) == "conn" {
					v, err := wireUint(d)
					in.WSClosed.Conn = v
					return 1, err
				}
				return 0, d.Skip()
			})
		case "tick":
			// Any value will do: the event has no members.
			bit = 1 << 7
			in.Tick = &Tick{}
			err = d.Skip()
		case "work_done":
			bit = 1 << 8
			in.WorkDone, err = wireWorkDone(d)
		case "fetch_done":
			bit = 1 << 9
			in.FetchDone, err = wireFetchDone(d)
		case "run_done":
			bit = 1 << 10
			in.RunDone, err = wireRunDone(d)
		case "notify_done":
			bit = 1 << 11
			in.NotifyDone, err = wireNotifyDone(d)
		case "call":
			bit = 1 << 12
			in.Call, err = wireCall(d)
		default:
			return d.Skip()
		}
		if seen&bit != 0 {
			return errSlowPath
		}
		seen |= bit
		if bit >= 1<<2 {
			events++
		}
		return err
	})
	if err != nil || events != 1 || d.Finish() != nil {
		return Input{}, false
	}
	return in, true
}

// errSlowPath stops decodeInput: the tree decides.
var errSlowPath = errors.New("core: wire input needs the full parser")

// wireFields reads an object whose members member reads, each reporting
// its bit (0 for a member it skipped); a member given twice stops the read.
func wireFields(d *orjson.Decoder, member func(key []byte) (uint16, error)) error {
	var seen uint16
	return d.Object(func(key []byte) error {
		bit, err := member(key)
		if err != nil {
			return err
		}
		if seen&bit != 0 {
			return errSlowPath
		}
		seen |= bit
		return nil
	})
}

// wireStr reads a string or null ("").
func wireStr(d *orjson.Decoder) (string, error) {
	b, null, err := wireStrBytes(d)
	if err != nil || null {
		return "", err
	}
	return string(b), nil
}

func wireStrBytes(d *orjson.Decoder) (b []byte, null bool, err error) {
	k, err := d.Peek()
	switch {
	case err != nil:
		return nil, false, err
	case k == orjson.Null:
		return nil, true, d.Null()
	case k != orjson.String:
		return nil, false, errSlowPath
	}
	b, err = d.StringBytes()
	return b, false, err
}

// wireMethod reads an HTTP method, without a copy for the usual ones.
func wireMethod(d *orjson.Decoder) (string, error) {
	b, null, err := wireStrBytes(d)
	if err != nil || null {
		return "", err
	}
	switch string(b) {
	case "GET":
		return "GET", nil
	case "POST":
		return "POST", nil
	case "HEAD":
		return "HEAD", nil
	case "OPTIONS":
		return "OPTIONS", nil
	case "DELETE":
		return "DELETE", nil
	}
	return string(b), nil
}

// wireInt reads an integer or null (0), as fields.int does.
func wireInt(d *orjson.Decoder) (int64, error) {
	k, err := d.Peek()
	switch {
	case err != nil:
		return 0, err
	case k == orjson.Null:
		return 0, d.Null()
	case k != orjson.Number:
		return 0, errSlowPath
	}
	lit, err := d.NumberBytes()
	if err != nil {
		return 0, err
	}
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	u, ok := digitsValue(lit)
	switch {
	case !ok || (!neg && u > 1<<63-1) || (neg && u > 1<<63):
		return 0, errSlowPath
	case neg:
		return -int64(u), nil
	}
	return int64(u), nil
}

// wireUint reads a non-negative integer or null (0), as fields.uint does.
func wireUint(d *orjson.Decoder) (uint64, error) {
	k, err := d.Peek()
	switch {
	case err != nil:
		return 0, err
	case k == orjson.Null:
		return 0, d.Null()
	case k != orjson.Number:
		return 0, errSlowPath
	}
	lit, err := d.NumberBytes()
	if err != nil {
		return 0, err
	}
	u, ok := digitsValue(lit)
	if !ok {
		return 0, errSlowPath
	}
	return u, nil
}

// digitsValue is the value of a literal made only of decimal digits; ok is
// false for anything else and on overflow.
func digitsValue(lit []byte) (uint64, bool) {
	if len(lit) == 0 {
		return 0, false
	}
	var u uint64
	for _, c := range lit {
		if c < '0' || c > '9' || u > (1<<64-1)/10 {
			return 0, false
		}
		next := u*10 + uint64(c-'0')
		if next < u {
			return 0, false
		}
		u = next
	}
	return u, true
}

// wireBool reads true, false or null (false).
func wireBool(d *orjson.Decoder) (bool, error) {
	k, err := d.Peek()
	switch {
	case err != nil:
		return false, err
	case k == orjson.Null:
		return false, d.Null()
	case k != orjson.Bool:
		return false, errSlowPath
	}
	return d.Bool()
}

// wireBytes reads bytes written as a string (a copy; empty but not nil
// for ""), or null (nil). The {"base64": ...} form is left to the tree.
func wireBytes(d *orjson.Decoder) ([]byte, error) {
	b, null, err := wireStrBytes(d)
	if err != nil || null {
		return nil, err
	}
	out := make([]byte, len(b))
	copy(out, b)
	return out, nil
}

// wireHeaders reads [[name, value], ...] or null (nil). Names the core
// reads are not copied.
func wireHeaders(d *orjson.Decoder) ([]Header, error) {
	k, err := d.Peek()
	switch {
	case err != nil:
		return nil, err
	case k == orjson.Null:
		return nil, d.Null()
	case k != orjson.Array:
		return nil, errSlowPath
	}
	hs := make([]Header, 0, 4)
	err = d.Array(func(int) error {
		var h Header
		n := 0
		err := d.Array(func(i int) error {
			n++
			b, null, err := wireStrBytes(d)
			switch {
			case err != nil:
				return err
			case null || i > 1:
				return errSlowPath
			case i == 0:
				h.Name = headerName(b)
			default:
				h.Value = string(b)
			}
			return nil
		})
		if err == nil && n != 2 {
			return errSlowPath
		}
		hs = append(hs, h)
		return err
	})
	return hs, err
}

// headerName returns the name as a string, the constant for the names the
// core reads.
func headerName(b []byte) string {
	for _, n := range HeaderNames {
		if string(b) == n {
			return n
		}
	}
	return string(b)
}

func wireLoad(d *orjson.Decoder) (*Load, error) {
	l := &Load{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		switch string(key) {
		case "files":
			k, err := d.Peek()
			if err != nil || k != orjson.Array {
				return 0, errSlowPath
			}
			return 1, d.Array(func(int) error {
				var f File
				err := wireFields(d, func(key []byte) (uint16, error) {
					var err error
					switch string(key) {
					case "path":
						f.Path, err = wireStr(d)
						return 1, err
					case "data":
						f.Data, err = wireBytes(d)
						return 2, err
					}
					return 0, d.Skip()
				})
				l.Files = append(l.Files, f)
				return err
			})
		case "bans":
			k, err := d.Peek()
			if err != nil || k != orjson.Array {
				return 0, errSlowPath
			}
			return 2, d.Array(func(int) error {
				var b Ban
				err := wireFields(d, func(key []byte) (uint16, error) {
					var err error
					switch string(key) {
					case "ip":
						b.IP, err = wireStr(d)
						return 1, err
					case "banned_at":
						b.BannedAt, err = wireStr(d)
						return 2, err
					}
					return 0, d.Skip()
				})
				l.Bans = append(l.Bans, b)
				return err
			})
		}
		return 0, d.Skip()
	})
	return l, err
}

func wireHTTP(d *orjson.Decoder) (*HTTPRequest, error) {
	h := &HTTPRequest{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			h.ID, err = wireUint(d)
			return 1 << 0, err
		case "method":
			h.Method, err = wireMethod(d)
			return 1 << 1, err
		case "scheme":
			h.Scheme, err = wireStr(d)
			return 1 << 2, err
		case "path":
			h.Path, err = wireStr(d)
			return 1 << 3, err
		case "query":
			h.Query, err = wireStr(d)
			return 1 << 4, err
		case "header":
			h.Header, err = wireHeaders(d)
			return 1 << 5, err
		case "body":
			h.Body, err = wireBytes(d)
			return 1 << 6, err
		case "remote":
			h.Remote, err = wireStr(d)
			return 1 << 7, err
		}
		return 0, d.Skip()
	})
	return h, err
}

func wireWSOpen(d *orjson.Decoder) (*WSOpen, error) {
	o := &WSOpen{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "conn":
			o.Conn, err = wireUint(d)
			return 1 << 0, err
		case "remote":
			o.Remote, err = wireStr(d)
			return 1 << 1, err
		case "header":
			o.Header, err = wireHeaders(d)
			return 1 << 2, err
		}
		return 0, d.Skip()
	})
	return o, err
}

func wireWSMessage(d *orjson.Decoder) (*WSMessage, error) {
	m := &WSMessage{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "conn":
			m.Conn, err = wireUint(d)
			return 1 << 0, err
		case "data":
			m.Data, err = wireBytes(d)
			return 1 << 1, err
		case "binary":
			m.Binary, err = wireBool(d)
			return 1 << 2, err
		}
		return 0, d.Skip()
	})
	return m, err
}

func wireWorkDone(d *orjson.Decoder) (*WorkResult, error) {
	r := &WorkResult{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			r.ID, err = wireUint(d)
			return 1 << 0, err
		case "match":
			r.Match, err = wireBool(d)
			return 1 << 1, err
		case "hash":
			r.Hash, err = wireStr(d)
			return 1 << 2, err
		case "error":
			r.Error, err = wireStr(d)
			return 1 << 3, err
		}
		return 0, d.Skip()
	})
	return r, err
}

func wireFetchDone(d *orjson.Decoder) (*FetchResult, error) {
	r := &FetchResult{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			r.ID, err = wireUint(d)
			return 1 << 0, err
		case "status":
			var v int64
			v, err = wireInt(d)
			r.Status = int(v)
			return 1 << 1, err
		case "redirected":
			r.Redirected, err = wireBool(d)
			return 1 << 2, err
		case "body":
			r.Body, err = wireBytes(d)
			return 1 << 3, err
		case "error":
			r.Error, err = wireStr(d)
			return 1 << 4, err
		}
		return 0, d.Skip()
	})
	return r, err
}

func wireRunDone(d *orjson.Decoder) (*RunResult, error) {
	r := &RunResult{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			r.ID, err = wireUint(d)
			return 1 << 0, err
		case "exit_code":
			var v int64
			v, err = wireInt(d)
			r.ExitCode = int(v)
			return 1 << 1, err
		case "stdout":
			r.Stdout, err = wireBytes(d)
			return 1 << 2, err
		case "error":
			r.Error, err = wireStr(d)
			return 1 << 3, err
		}
		return 0, d.Skip()
	})
	return r, err
}

func wireNotifyDone(d *orjson.Decoder) (*NotifyResult, error) {
	r := &NotifyResult{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			r.ID, err = wireUint(d)
			return 1 << 0, err
		case "error":
			r.Error, err = wireStr(d)
			return 1 << 1, err
		}
		return 0, d.Skip()
	})
	return r, err
}

func wireCall(d *orjson.Decoder) (*Call, error) {
	c := &Call{}
	err := wireFields(d, func(key []byte) (uint16, error) {
		var err error
		switch string(key) {
		case "id":
			c.ID, err = wireUint(d)
			return 1 << 0, err
		case "op":
			c.Op, err = wireStr(d)
			return 1 << 1, err
		case "args":
			// The args are JSON for the call's handler, written back the
			// way the tree path writes them (compact, repeated keys folded).
			var v orjson.Value
			if v, err = d.Value(); err == nil {
				c.Args = orjson.Marshal(v)
			}
			return 1 << 2, err
		}
		return 0, d.Skip()
	})
	return c, err
}
