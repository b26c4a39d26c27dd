package core

import (
	"encoding/base64"
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
)

// The wire form of inputs and outputs: the JSON that crosses the
// WebAssembly boundary and fills the conformance vectors. Keys are written
// in a fixed order and absent fields are left out, so that equal values
// give equal bytes on every engine. Byte strings are JSON strings when they
// are valid UTF-8, else {"base64": "..."}.

// ErrWire is returned for wire JSON that does not describe an input.
var ErrWire = errors.New("core: malformed wire JSON")

func wireErr(what string) error { return errors.New("core: malformed wire JSON: " + what) }

func encBytes(e *orjson.Encoder, b []byte) {
	if utf8.Valid(b) {
		e.StringBytes(b)
		return
	}
	e.BeginObject()
	e.Key("base64")
	e.String(base64.StdEncoding.EncodeToString(b))
	e.EndObject()
}

func decBytes(v orjson.Value) ([]byte, error) {
	switch v.Kind {
	case orjson.String:
		return []byte(v.Str), nil
	case orjson.Null:
		return nil, nil
	case orjson.Object:
		s, ok := v.Get("base64")
		if !ok || s.Kind != orjson.String {
			return nil, wireErr("bytes object without base64")
		}
		return base64.StdEncoding.DecodeString(s.Str)
	}
	return nil, wireErr("bytes must be a string")
}

func encHeaders(e *orjson.Encoder, key string, hs []Header) {
	if len(hs) == 0 {
		return
	}
	e.Key(key)
	e.BeginArray()
	for _, h := range hs {
		e.BeginArray()
		e.String(h.Name)
		e.String(h.Value)
		e.EndArray()
	}
	e.EndArray()
}

func decHeaders(v orjson.Value) ([]Header, error) {
	if v.Kind == orjson.Null {
		return nil, nil
	}
	if v.Kind != orjson.Array {
		return nil, wireErr("headers must be a list")
	}
	out := make([]Header, 0, len(v.Arr))
	for _, it := range v.Arr {
		if it.Kind != orjson.Array || len(it.Arr) != 2 || it.Arr[0].Kind != orjson.String || it.Arr[1].Kind != orjson.String {
			return nil, wireErr("a header must be [name, value]")
		}
		out = append(out, Header{it.Arr[0].Str, it.Arr[1].Str})
	}
	return out, nil
}

// fields is a small reader over a wire object.
type fields struct {
	v   orjson.Value
	err error
}

func (f *fields) get(key string) (orjson.Value, bool) { return f.v.Get(key) }

func (f *fields) str(key string) string {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return ""
	}
	if m.Kind != orjson.String {
		f.fail(key + " must be a string")
		return ""
	}
	return m.Str
}

func (f *fields) int(key string) int64 {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return 0
	}
	i, ok := m.Int()
	if !ok {
		f.fail(key + " must be an integer")
	}
	return i
}

func (f *fields) uint(key string) uint64 {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return 0
	}
	u, err := strconv.ParseUint(m.Str, 10, 64)
	if m.Kind != orjson.Number || err != nil {
		f.fail(key + " must be a non-negative integer")
	}
	return u
}

func (f *fields) bool(key string) bool {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return false
	}
	if m.Kind != orjson.Bool {
		f.fail(key + " must be a boolean")
	}
	return m.Bool
}

func (f *fields) bytes(key string) []byte {
	m, ok := f.v.Get(key)
	if !ok {
		return nil
	}
	b, err := decBytes(m)
	if err != nil {
		f.fail(key + ": " + err.Error())
	}
	return b
}

func (f *fields) headers(key string) []Header {
	m, ok := f.v.Get(key)
	if !ok {
		return nil
	}
	h, err := decHeaders(m)
	if err != nil {
		f.fail(key + ": " + err.Error())
	}
	return h
}

func (f *fields) strings(key string) []string {
	m, ok := f.v.Get(key)
	if !ok || m.Kind == orjson.Null {
		return nil
	}
	if m.Kind != orjson.Array {
		f.fail(key + " must be a list of strings")
		return nil
	}
	out := make([]string, 0, len(m.Arr))
	for _, it := range m.Arr {
		if it.Kind != orjson.String {
			f.fail(key + " must be a list of strings")
			return nil
		}
		out = append(out, it.Str)
	}
	return out
}

func (f *fields) fail(msg string) {
	if f.err == nil {
		f.err = wireErr(msg)
	}
}

func obj(v orjson.Value) *fields {
	if v.Kind != orjson.Object {
		return &fields{err: wireErr("expected an object")}
	}
	return &fields{v: v}
}

func optStr(e *orjson.Encoder, key, v string) {
	if v != "" {
		e.Key(key)
		e.String(v)
	}
}

func optInt(e *orjson.Encoder, key string, v int64) {
	if v != 0 {
		e.Key(key)
		e.Int(v)
	}
}

func optBool(e *orjson.Encoder, key string, v bool) {
	if v {
		e.Key(key)
		e.Bool(true)
	}
}

func optBytes(e *orjson.Encoder, key string, b []byte) {
	if len(b) > 0 {
		e.Key(key)
		encBytes(e, b)
	}
}

// AppendInput appends the wire JSON of an input.
func AppendInput(b []byte, in Input) []byte {
	e := orjson.NewEncoder(b, false)
	e.BeginObject()
	e.Key("now")
	e.Int(in.Now)
	optBytes(e, "entropy", in.Entropy)
	switch {
	case in.Load != nil:
		e.Key("load")
		e.BeginObject()
		e.Key("files")
		e.BeginArray()
		for _, f := range in.Load.Files {
			e.BeginObject()
			e.Key("path")
			e.String(f.Path)
			e.Key("data")
			encBytes(e, f.Data)
			e.EndObject()
		}
		e.EndArray()
		if len(in.Load.Bans) > 0 {
			e.Key("bans")
			e.BeginArray()
			for _, b := range in.Load.Bans {
				encBan(e, &b)
			}
			e.EndArray()
		}
		e.EndObject()
	case in.HTTP != nil:
		h := in.HTTP
		e.Key("http")
		e.BeginObject()
		e.Key("id")
		e.Uint(h.ID)
		e.Key("method")
		e.String(h.Method)
		optStr(e, "scheme", h.Scheme)
		e.Key("path")
		e.String(h.Path)
		optStr(e, "query", h.Query)
		encHeaders(e, "header", h.Header)
		optBytes(e, "body", h.Body)
		optStr(e, "remote", h.Remote)
		e.EndObject()
	case in.WSOpen != nil:
		e.Key("ws_open")
		e.BeginObject()
		e.Key("conn")
		e.Uint(in.WSOpen.Conn)
		optStr(e, "remote", in.WSOpen.Remote)
		encHeaders(e, "header", in.WSOpen.Header)
		e.EndObject()
	case in.WSMessage != nil:
		e.Key("ws_message")
		e.BeginObject()
		e.Key("conn")
		e.Uint(in.WSMessage.Conn)
		e.Key("data")
		encBytes(e, in.WSMessage.Data)
		optBool(e, "binary", in.WSMessage.Binary)
		e.EndObject()
	case in.WSClosed != nil:
		e.Key("ws_closed")
		e.BeginObject()
		e.Key("conn")
		e.Uint(in.WSClosed.Conn)
		e.EndObject()
	case in.Tick != nil:
		e.Key("tick")
		e.BeginObject()
		e.EndObject()
	case in.WorkDone != nil:
		e.Key("work_done")
		encWorkResult(e, in.WorkDone)
	case in.FetchDone != nil:
		r := in.FetchDone
		e.Key("fetch_done")
		e.BeginObject()
		e.Key("id")
		e.Uint(r.ID)
		optInt(e, "status", int64(r.Status))
		optBool(e, "redirected", r.Redirected)
		optBytes(e, "body", r.Body)
		optStr(e, "error", r.Error)
		e.EndObject()
	case in.RunDone != nil:
		r := in.RunDone
		e.Key("run_done")
		e.BeginObject()
		e.Key("id")
		e.Uint(r.ID)
		e.Key("exit_code")
		e.Int(int64(r.ExitCode))
		optBytes(e, "stdout", r.Stdout)
		optStr(e, "error", r.Error)
		e.EndObject()
	case in.NotifyDone != nil:
		e.Key("notify_done")
		e.BeginObject()
		e.Key("id")
		e.Uint(in.NotifyDone.ID)
		optStr(e, "error", in.NotifyDone.Error)
		e.EndObject()
	case in.Call != nil:
		e.Key("call")
		e.BeginObject()
		e.Key("id")
		e.Uint(in.Call.ID)
		e.Key("op")
		e.String(in.Call.Op)
		if len(in.Call.Args) > 0 {
			e.Key("args")
			e.Raw(in.Call.Args)
		}
		e.EndObject()
	}
	e.EndObject()
	return e.Bytes()
}

func encBan(e *orjson.Encoder, b *Ban) {
	e.BeginObject()
	e.Key("ip")
	e.String(b.IP)
	optStr(e, "banned_at", b.BannedAt)
	e.EndObject()
}

func encWorkResult(e *orjson.Encoder, r *WorkResult) {
	e.BeginObject()
	e.Key("id")
	e.Uint(r.ID)
	optBool(e, "match", r.Match)
	optStr(e, "hash", r.Hash)
	optStr(e, "error", r.Error)
	e.EndObject()
}

// ParseInput reads an input's wire JSON.
func ParseInput(b []byte) (Input, error) {
	if in, ok := decodeInput(b); ok {
		return in, nil
	}
	return parseInputTree(b)
}

// parseInputTree reads an input through a tree of orjson Values: the
// reference for decodeInput, and the way for inputs it does not take.
func parseInputTree(b []byte) (Input, error) {
	v, err := orjson.Parse(b)
	if err != nil {
		return Input{}, wireErr(err.Error())
	}
	return inputFromValue(v)
}

func inputFromValue(v orjson.Value) (Input, error) {
	f := obj(v)
	in := Input{Now: f.int("now"), Entropy: f.bytes("entropy")}
	kinds := 0
	if m, ok := f.get("load"); ok {
		kinds++
		g := obj(m)
		l := &Load{}
		if files, ok := g.get("files"); ok {
			if files.Kind != orjson.Array {
				g.fail("files must be a list")
			}
			for _, it := range files.Arr {
				h := obj(it)
				l.Files = append(l.Files, File{Path: h.str("path"), Data: h.bytes("data")})
				g.take(h)
			}
		}
		if bans, ok := g.get("bans"); ok {
			for _, it := range bans.Arr {
				h := obj(it)
				l.Bans = append(l.Bans, Ban{IP: h.str("ip"), BannedAt: h.str("banned_at")})
				g.take(h)
			}
		}
		in.Load = l
		f.take(g)
	}
	if m, ok := f.get("http"); ok {
		kinds++
		g := obj(m)
		in.HTTP = &HTTPRequest{
			ID: g.uint("id"), Method: g.str("method"), Scheme: g.str("scheme"), Path: g.str("path"),
			Query: g.str("query"), Header: g.headers("header"), Body: g.bytes("body"), Remote: g.str("remote"),
		}
		f.take(g)
	}
	if m, ok := f.get("ws_open"); ok {
		kinds++
		g := obj(m)
		in.WSOpen = &WSOpen{Conn: g.uint("conn"), Remote: g.str("remote"), Header: g.headers("header")}
		f.take(g)
	}
	if m, ok := f.get("ws_message"); ok {
		kinds++
		g := obj(m)
		in.WSMessage = &WSMessage{Conn: g.uint("conn"), Data: g.bytes("data"), Binary: g.bool("binary")}
		f.take(g)
	}
	if m, ok := f.get("ws_closed"); ok {
		kinds++
		g := obj(m)
		in.WSClosed = &WSClosed{Conn: g.uint("conn")}
		f.take(g)
	}
	if _, ok := f.get("tick"); ok {
		kinds++
		in.Tick = &Tick{}
	}
	if m, ok := f.get("work_done"); ok {
		kinds++
		g := obj(m)
		in.WorkDone = &WorkResult{ID: g.uint("id"), Match: g.bool("match"), Hash: g.str("hash"), Error: g.str("error")}
		f.take(g)
	}
	if m, ok := f.get("fetch_done"); ok {
		kinds++
		g := obj(m)
		in.FetchDone = &FetchResult{ID: g.uint("id"), Status: int(g.int("status")), Redirected: g.bool("redirected"), Body: g.bytes("body"), Error: g.str("error")}
		f.take(g)
	}
	if m, ok := f.get("run_done"); ok {
		kinds++
		g := obj(m)
		in.RunDone = &RunResult{ID: g.uint("id"), ExitCode: int(g.int("exit_code")), Stdout: g.bytes("stdout"), Error: g.str("error")}
		f.take(g)
	}
	if m, ok := f.get("notify_done"); ok {
		kinds++
		g := obj(m)
		in.NotifyDone = &NotifyResult{ID: g.uint("id"), Error: g.str("error")}
		f.take(g)
	}
	if m, ok := f.get("call"); ok {
		kinds++
		g := obj(m)
		in.Call = &Call{ID: g.uint("id"), Op: g.str("op")}
		if a, ok := g.get("args"); ok {
			in.Call.Args = orjson.Marshal(a)
		}
		f.take(g)
	}
	if f.err == nil && kinds != 1 {
		f.fail("an input needs exactly one event, has " + strconv.Itoa(kinds))
	}
	return in, f.err
}

// take keeps the first error of a nested reader.
func (f *fields) take(g *fields) {
	if f.err == nil && g.err != nil {
		f.err = g.err
	}
}

// AppendOutput appends the wire JSON of an output.
func AppendOutput(b []byte, out Output) []byte {
	e := orjson.NewEncoder(b, false)
	e.BeginObject()
	e.Key("effects")
	e.BeginArray()
	for i := range out.Effects {
		encEffect(e, &out.Effects[i])
	}
	e.EndArray()
	optInt(e, "deadline", out.Deadline)
	e.EndObject()
	return e.Bytes()
}

func encEffect(e *orjson.Encoder, ef *Effect) {
	e.BeginObject()
	switch {
	case ef.Reply != nil:
		r := ef.Reply
		e.Key("reply")
		e.BeginObject()
		e.Key("id")
		e.Uint(r.ID)
		e.Key("status")
		e.Int(int64(r.Status))
		encHeaders(e, "header", r.Header)
		optBytes(e, "body", r.Body)
		e.EndObject()
	case ef.Send != nil:
		e.Key("ws_send")
		e.BeginObject()
		e.Key("conn")
		e.Uint(ef.Send.Conn)
		e.Key("data")
		encBytes(e, ef.Send.Data)
		e.EndObject()
	case ef.Close != nil:
		e.Key("ws_close")
		e.BeginObject()
		e.Key("conn")
		e.Uint(ef.Close.Conn)
		e.Key("code")
		e.Int(int64(ef.Close.Code))
		optStr(e, "reason", ef.Close.Reason)
		e.EndObject()
	case ef.Write != nil:
		e.Key("write")
		encFileOp(e, ef.Write.Path, ef.Write.Data, ef.Write.Private)
	case ef.Append != nil:
		e.Key("append")
		encFileOp(e, ef.Append.Path, ef.Append.Data, ef.Append.Private)
	case ef.Work != nil:
		w := ef.Work
		e.Key("work")
		e.BeginObject()
		e.Key("id")
		e.Uint(w.ID)
		e.Key("kind")
		e.String(string(w.Kind))
		e.Key("password")
		e.String(w.Password)
		optStr(e, "hash", w.Hash)
		if len(w.Salt) > 0 {
			e.Key("salt")
			e.String(base64.StdEncoding.EncodeToString(w.Salt))
		}
		optInt(e, "cost", int64(w.Cost))
		e.EndObject()
	case ef.Fetch != nil:
		f := ef.Fetch
		e.Key("fetch")
		e.BeginObject()
		e.Key("id")
		e.Uint(f.ID)
		e.Key("url")
		e.String(f.URL)
		e.Key("max_bytes")
		e.Int(int64(f.MaxBytes))
		e.Key("timeout_ms")
		e.Int(int64(f.TimeoutMillis))
		optBool(e, "follow_redirects", f.FollowRedirects)
		e.EndObject()
	case ef.Run != nil:
		r := ef.Run
		e.Key("run")
		e.BeginObject()
		e.Key("id")
		e.Uint(r.ID)
		e.Key("command")
		e.String(r.Command)
		e.Key("args")
		e.BeginArray()
		for _, a := range r.Args {
			e.String(a)
		}
		e.EndArray()
		encHeaders(e, "env", r.Env)
		e.Key("timeout_ms")
		e.Int(int64(r.TimeoutMillis))
		e.EndObject()
	case ef.Notify != nil:
		n := ef.Notify
		e.Key("notify")
		e.BeginObject()
		e.Key("id")
		e.Uint(n.ID)
		e.Key("service")
		e.String(n.Service)
		optStr(e, "target", n.Target)
		e.Key("message")
		e.String(n.Message)
		e.EndObject()
	case ef.Ban != nil:
		e.Key("ban")
		encBan(e, ef.Ban)
	case ef.Log != nil:
		e.Key("log")
		e.BeginObject()
		e.Key("level")
		e.String(string(ef.Log.Level))
		e.Key("message")
		e.String(ef.Log.Message)
		e.EndObject()
	case ef.Result != nil:
		r := ef.Result
		e.Key("result")
		e.BeginObject()
		e.Key("id")
		e.Uint(r.ID)
		if r.Error != nil {
			e.Key("error")
			e.BeginObject()
			e.Key("code")
			e.String(r.Error.Code)
			e.Key("message")
			e.String(r.Error.Message)
			e.EndObject()
		} else {
			e.Key("value")
			if len(r.Value) > 0 {
				e.Raw(r.Value)
			} else {
				e.Null()
			}
		}
		e.EndObject()
	case ef.External != nil:
		x := ef.External
		e.Key("external")
		e.BeginObject()
		e.Key("flow_id")
		e.String(x.FlowID)
		if x.Code != nil {
			e.Key("code")
			e.String(*x.Code)
		}
		if x.Error != nil {
			e.Key("error")
			e.String(*x.Error)
		}
		e.Key("state")
		if len(x.State) > 0 {
			e.Raw(x.State)
		} else {
			e.Null()
		}
		e.EndObject()
	case ef.Fatal != nil:
		e.Key("fatal")
		e.BeginObject()
		optStr(e, "path", ef.Fatal.Path)
		e.Key("message")
		e.String(ef.Fatal.Message)
		e.EndObject()
	}
	e.EndObject()
}

func encFileOp(e *orjson.Encoder, path string, data []byte, private bool) {
	e.BeginObject()
	e.Key("path")
	e.String(path)
	e.Key("data")
	encBytes(e, data)
	optBool(e, "private", private)
	e.EndObject()
}

// ParseOutput reads an output's wire JSON.
func ParseOutput(b []byte) (Output, error) {
	v, err := orjson.Parse(b)
	if err != nil {
		return Output{}, wireErr(err.Error())
	}
	f := obj(v)
	out := Output{Deadline: f.int("deadline")}
	effs, _ := f.get("effects")
	if effs.Kind != orjson.Array {
		return Output{}, wireErr("effects must be a list")
	}
	for _, it := range effs.Arr {
		ef, err := effectFromValue(it)
		if err != nil {
			return Output{}, err
		}
		out.Effects = append(out.Effects, ef)
	}
	return out, f.err
}

func effectFromValue(v orjson.Value) (Effect, error) {
	if v.Kind != orjson.Object || len(v.Obj) != 1 {
		return Effect{}, wireErr("an effect is an object with one member")
	}
	kind, m := v.Obj[0].Key, v.Obj[0].Value
	g := obj(m)
	var ef Effect
	switch kind {
	case "reply":
		ef.Reply = &Reply{ID: g.uint("id"), Status: int(g.int("status")), Header: g.headers("header"), Body: g.bytes("body")}
	case "ws_send":
		ef.Send = &WSSend{Conn: g.uint("conn"), Data: g.bytes("data")}
	case "ws_close":
		ef.Close = &WSClose{Conn: g.uint("conn"), Code: int(g.int("code")), Reason: g.str("reason")}
	case "write":
		ef.Write = &Write{Path: g.str("path"), Data: g.bytes("data"), Private: g.bool("private")}
	case "append":
		ef.Append = &Append{Path: g.str("path"), Data: g.bytes("data"), Private: g.bool("private")}
	case "work":
		w := &Work{ID: g.uint("id"), Kind: WorkKind(g.str("kind")), Password: g.str("password"), Hash: g.str("hash"), Cost: int(g.int("cost"))}
		if s := g.str("salt"); s != "" {
			salt, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				g.fail("salt must be base64")
			}
			w.Salt = salt
		}
		ef.Work = w
	case "fetch":
		ef.Fetch = &Fetch{ID: g.uint("id"), URL: g.str("url"), MaxBytes: int(g.int("max_bytes")), TimeoutMillis: int(g.int("timeout_ms")), FollowRedirects: g.bool("follow_redirects")}
	case "run":
		ef.Run = &Run{ID: g.uint("id"), Command: g.str("command"), Args: g.strings("args"), Env: g.headers("env"), TimeoutMillis: int(g.int("timeout_ms"))}
	case "notify":
		ef.Notify = &Notify{ID: g.uint("id"), Service: g.str("service"), Target: g.str("target"), Message: g.str("message")}
	case "ban":
		ef.Ban = &Ban{IP: g.str("ip"), BannedAt: g.str("banned_at")}
	case "log":
		ef.Log = &Log{Level: LogLevel(g.str("level")), Message: g.str("message")}
	case "result":
		r := &Result{ID: g.uint("id")}
		if ev, ok := g.get("error"); ok {
			h := obj(ev)
			r.Error = &CallError{Code: h.str("code"), Message: h.str("message")}
			g.take(h)
		} else if val, ok := g.get("value"); ok {
			// A successful call's value is JSON, null included.
			r.Value = orjson.Marshal(val)
		}
		ef.Result = r
	case "fatal":
		ef.Fatal = &Fatal{Path: g.str("path"), Message: g.str("message")}
	case "external":
		x := &External{FlowID: g.str("flow_id")}
		if _, ok := g.get("code"); ok {
			code := g.str("code")
			x.Code = &code
		}
		if _, ok := g.get("error"); ok {
			msg := g.str("error")
			x.Error = &msg
		}
		if st, ok := g.get("state"); ok && st.Kind != orjson.Null {
			x.State = orjson.Marshal(st)
		}
		ef.External = x
	default:
		return Effect{}, wireErr("unknown effect " + strconv.Quote(kind))
	}
	return ef, g.err
}

// AppendWork appends a Work effect's wire JSON (the input of DoWork across
// the WebAssembly boundary).
func AppendWork(b []byte, w Work) []byte {
	e := orjson.NewEncoder(b, false)
	ef := Effect{Work: &w}
	encEffect(e, &ef)
	return e.Bytes()
}

// ParseWork reads AppendWork's output.
func ParseWork(b []byte) (Work, error) {
	v, err := orjson.Parse(b)
	if err != nil {
		return Work{}, wireErr(err.Error())
	}
	ef, err := effectFromValue(v)
	if err != nil || ef.Work == nil {
		return Work{}, wireErr("expected a work effect")
	}
	return *ef.Work, nil
}

// AppendWorkResult appends a WorkResult's wire JSON.
func AppendWorkResult(b []byte, r WorkResult) []byte {
	e := orjson.NewEncoder(b, false)
	encWorkResult(e, &r)
	return e.Bytes()
}

// ParseWorkResult reads AppendWorkResult's output.
func ParseWorkResult(b []byte) (WorkResult, error) {
	v, err := orjson.Parse(b)
	if err != nil {
		return WorkResult{}, wireErr(err.Error())
	}
	g := obj(v)
	r := WorkResult{ID: g.uint("id"), Match: g.bool("match"), Hash: g.str("hash"), Error: g.str("error")}
	return r, g.err
}
