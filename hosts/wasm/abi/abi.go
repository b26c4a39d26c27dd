package abi

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"runtime/debug"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/orjson"
)

// Version is the ABI version hassauth_abi_version returns. It changes when
// an export, the envelope or the framing changes incompatibly.
const Version = 1

// Error codes of the error envelope.
const (
	// CodeBadRequest: the message is not what the call takes.
	CodeBadRequest = "bad_request"
	// CodeConfig: the configuration was refused (message names the key).
	CodeConfig = "config"
	// CodeNotInitialized: no successful init yet.
	CodeNotInitialized = "not_initialized"
	// CodePanic: the core panicked on this message. The instance refuses
	// steps until it is restored or initialized again.
	CodePanic = "panic"
	// CodeBroken: an earlier panic left the core unusable.
	CodeBroken = "broken"
	// CodeSnapshot: the snapshot was refused.
	CodeSnapshot = "snapshot"
)

// Error is an error envelope, {"error": {"code", "message"}}.
type Error struct {
	Code    string
	Message string
	// Stack is the guest's stack for a panic.
	Stack string
}

func (e *Error) Error() string { return "hassauth: " + e.Code + ": " + e.Message }

// ParseError returns the error an envelope holds, or nil when b is not an
// error envelope (every successful answer is a JSON object whose first
// member is not "error").
func ParseError(b []byte) *Error {
	if !bytes.HasPrefix(b, []byte(`{"error":`)) {
		return nil
	}
	v, err := orjson.Parse(b)
	if err != nil {
		return &Error{Code: CodeBadRequest, Message: "unreadable error envelope"}
	}
	ev, _ := v.Get("error")
	code, _ := ev.Get("code")
	msg, _ := ev.Get("message")
	stack, _ := ev.Get("stack")
	return &Error{Code: code.Str, Message: msg.Str, Stack: stack.Str}
}

// AppendInit appends an init message: the configuration's wire JSON and
// the seed in hex.
func AppendInit(b []byte, cfg core.Config, seed [32]byte) []byte {
	b = append(b, `{"config":`...)
	b = core.AppendConfig(b, cfg)
	b = append(b, `,"seed":"`...)
	b = hex.AppendEncode(b, seed[:])
	return append(b, `"}`...)
}

// ParseInit reads an init message.
func ParseInit(b []byte) (core.Config, [32]byte, error) {
	var seed [32]byte
	v, err := orjson.Parse(b)
	if err != nil || v.Kind != orjson.Object {
		return core.Config{}, seed, errors.New("init message must be a JSON object")
	}
	cv, ok := v.Get("config")
	if !ok {
		cv = orjson.Value{Kind: orjson.Object}
	}
	cfg, err := core.ConfigFromValue(cv)
	if err != nil {
		return core.Config{}, seed, err
	}
	sv, _ := v.Get("seed")
	if sv.Kind != orjson.String || !decodeSeed(&seed, sv.Str) {
		return core.Config{}, seed, errors.New("seed must be 64 hex digits")
	}
	return cfg, seed, nil
}

// decodeSeed reads 64 hex digits (either case) into seed. It is written out
// because encoding/hex's decoding errors format themselves with fmt, which
// would link fmt and reflection into the module for this one check.
func decodeSeed(seed *[32]byte, s string) bool {
	if len(s) != 2*len(seed) {
		return false
	}
	for i := range seed {
		hi, ok1 := hexDigit(s[2*i])
		lo, ok2 := hexDigit(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		seed[i] = hi<<4 | lo
	}
	return true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Instance is one core behind the ABI: what the reactor's exports and the
// JSON-lines command call. Every method returns JSON (an answer or an
// error envelope) in a buffer that the next call reuses. An Instance is
// not safe for concurrent use.
type Instance struct {
	cfg    core.Config
	c      *core.Core
	broken string
	buf    []byte

	// Trap, when set, is called with the panic value of an injected fault
	// that asked for a trap (core.InjectedFault{Trap: true}); the
	// WebAssembly guest sets it to something that traps.
	Trap func(v any)
}

func (in *Instance) fail(code, msg, stack string) []byte {
	e := orjson.NewEncoder(in.buf[:0], false)
	e.BeginObject()
	e.Key("error")
	e.BeginObject()
	e.Key("code")
	e.String(code)
	e.Key("message")
	e.String(msg)
	if stack != "" {
		e.Key("stack")
		e.String(stack)
	}
	e.EndObject()
	e.EndObject()
	in.buf = e.Bytes()
	return in.buf
}

func (in *Instance) ok() []byte {
	in.buf = append(in.buf[:0], `{"ok":true}`...)
	return in.buf
}

// describe turns a panic value into text without fmt, which would grow the
// module by a few hundred kilobytes.
func describe(v any) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case string:
		return x
	}
	return "panic of a non-error value"
}

// guard turns a panic in the core into an error envelope and marks the
// instance broken, since the core may be half way through a change.
func (in *Instance) guard(out *[]byte) {
	v := recover()
	if v == nil {
		return
	}
	if f, ok := v.(core.InjectedFault); ok && f.Trap && in.Trap != nil {
		in.Trap(v)
	}
	in.broken = describe(v)
	*out = in.fail(CodePanic, in.broken, string(debug.Stack()))
}

// Init builds the core from an init message ({"config": ..., "seed":
// "<64 hex digits>"}) and answers {"ok": true}.
func (in *Instance) Init(msg []byte) (out []byte) {
	cfg, seed, err := ParseInit(msg)
	if err != nil {
		var ce *core.ConfigError
		if errors.As(err, &ce) {
			return in.fail(CodeConfig, err.Error(), "")
		}
		return in.fail(CodeBadRequest, err.Error(), "")
	}
	defer in.guard(&out)
	c, err := core.New(cfg, seed)
	if err != nil {
		return in.fail(CodeConfig, err.Error(), "")
	}
	in.cfg, in.c, in.broken = cfg, c, ""
	return in.ok()
}

func (in *Instance) usable() []byte {
	switch {
	case in.c == nil:
		return in.fail(CodeNotInitialized, "init first", "")
	case in.broken != "":
		return in.fail(CodeBroken, "the core failed earlier ("+in.broken+"); restore a snapshot or init again", "")
	}
	return nil
}

// Step runs one input (its wire JSON) and answers the output's wire JSON.
func (in *Instance) Step(msg []byte) (out []byte) {
	if e := in.usable(); e != nil {
		return e
	}
	input, err := core.ParseInput(msg)
	if err != nil {
		return in.fail(CodeBadRequest, err.Error(), "")
	}
	defer in.guard(&out)
	o := in.c.Step(input)
	in.buf = core.AppendOutput(in.buf[:0], o)
	return in.buf
}

// Work computes a Work effect (its wire JSON, {"work": {...}}) and answers
// the WorkResult's wire JSON. It needs no init: any instance can do it.
func (in *Instance) Work(msg []byte) (out []byte) {
	w, err := core.ParseWork(msg)
	if err != nil {
		return in.fail(CodeBadRequest, err.Error(), "")
	}
	defer func() {
		if v := recover(); v != nil {
			out = in.fail(CodePanic, describe(v), string(debug.Stack()))
		}
	}()
	in.buf = core.AppendWorkResult(in.buf[:0], core.DoWork(w))
	return in.buf
}

// Snapshot answers the core's snapshot (a JSON object, see core.Snapshot).
func (in *Instance) Snapshot() (out []byte) {
	if e := in.usable(); e != nil {
		return e
	}
	defer in.guard(&out)
	b, err := in.c.AppendSnapshot(in.buf[:0])
	if err != nil {
		return in.fail(CodeSnapshot, err.Error(), "")
	}
	in.buf = b
	return in.buf
}

// Restore replaces the core with one rebuilt from a snapshot, taken with
// the configuration of the last init, and answers {"ok": true}. It also
// repairs an instance that a panic broke.
func (in *Instance) Restore(snapshot []byte) (out []byte) {
	if in.c == nil {
		return in.fail(CodeNotInitialized, "init first", "")
	}
	defer func() {
		if v := recover(); v != nil {
			out = in.fail(CodeSnapshot, "restore panicked: "+describe(v), string(debug.Stack()))
		}
	}()
	c, err := core.Restore(in.cfg, snapshot)
	if err != nil {
		return in.fail(CodeSnapshot, err.Error(), "")
	}
	in.c, in.broken = c, ""
	return in.ok()
}

// Line answers one line of the JSON-lines protocol: an input's wire JSON,
// or a command object whose only member is "init", "work", "snapshot" or
// "restore" (see ABI.md).
func (in *Instance) Line(line []byte) []byte {
	line = bytes.TrimSpace(line)
	var cmd string
	var start, end int
	d := orjson.NewDecoder(line)
	errStop := errors.New("stop")
	err := d.Object(func(key []byte) error {
		switch string(key) {
		case "init", "work", "snapshot", "restore":
			cmd = string(key)
			start = d.Offset()
			if err := d.Skip(); err != nil {
				return err
			}
			end = d.Offset()
		}
		return errStop
	})
	if err != nil && err != errStop {
		return in.fail(CodeBadRequest, "a line must be a JSON object: "+err.Error(), "")
	}
	switch cmd {
	case "init":
		return in.Init(line[start:end])
	case "work":
		return in.Work(line)
	case "snapshot":
		return in.Snapshot()
	case "restore":
		return in.Restore(line[start:end])
	}
	return in.Step(line)
}

// ServeLines answers each line of r with one line on w until r ends. Lines
// may be of any length.
func ServeLines(r io.Reader, w io.Writer, in *Instance) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			bw.Write(in.Line(line))
			bw.WriteByte('\n')
			// Answer each line at once: the other side waits for it.
			if ferr := bw.Flush(); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
