package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors"
)

// Reporter is the part of testing.TB a scenario uses; the generator has
// its own. Fatalf must not return.
type Reporter interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Session drives one core through a scenario like a host would, and
// records every input and output as a vector step. It talks to the core in
// wire JSON only, through the native engine, so that what is recorded is
// exactly what an engine must reproduce.
type Session struct {
	r    Reporter
	inst testvectors.Instance

	// Now is the clock of the next input, Unix microseconds.
	Now int64
	// Remote is the peer address of HTTP requests and websockets.
	Remote string
	// OnFetch answers Fetch effects; a Fetch without it fails the case.
	OnFetch func(f core.Fetch) core.FetchResult
	// HoldWork keeps Work effects in Held instead of feeding their results
	// back at once.
	HoldWork bool
	Held     []core.Work
	// OnRun answers Run effects (the command_line provider); a nil result,
	// or no OnRun, keeps the effect in HeldRuns for the script to answer.
	OnRun    func(r core.Run) *core.RunResult
	HeldRuns []core.Run
	// OnNotify answers Notify effects; a nil result, or no OnNotify, keeps
	// the effect in HeldNotifies.
	OnNotify     func(n core.Notify) *core.NotifyResult
	HeldNotifies []core.Notify
	// Externals collects the External effects seen.
	Externals []core.External
	// Deadline is the core's last requested deadline.
	Deadline int64

	steps    []testvectors.Step
	wsIDs    map[uint64]int64
	nextHTTP uint64
	nextCall uint64
}

// Step sends one input and returns its output. It feeds nothing back.
func (s *Session) Step(in core.Input) core.Output {
	s.r.Helper()
	in.Now = s.Now
	raw := core.AppendInput(nil, in)
	if back, err := core.ParseInput(raw); err != nil || !bytes.Equal(core.AppendInput(nil, back), raw) {
		s.r.Fatalf("input does not survive the wire: %s (%v)", raw, err)
	}
	outRaw, err := s.inst.Step(raw)
	if err != nil {
		s.r.Fatalf("engine failed on %s: %v", raw, err)
	}
	out, err := core.ParseOutput(outRaw)
	if err != nil || !bytes.Equal(core.AppendOutput(nil, out), outRaw) {
		s.r.Fatalf("output does not survive the wire: %s (%v)", outRaw, err)
	}
	for _, e := range out.Effects {
		if e.Fatal != nil && in.Load == nil {
			s.r.Fatalf("core stopped: %s: %s", e.Fatal.Path, e.Fatal.Message)
		}
	}
	s.steps = append(s.steps, testvectors.Step{Now: s.Now, Input: raw, Output: outRaw})
	s.Deadline = out.Deadline
	return out
}

// Drive sends an input and then the results of the work and fetches it
// causes, each as a step of its own, and returns every effect in order.
func (s *Session) Drive(in core.Input) []core.Effect {
	s.r.Helper()
	var all []core.Effect
	queue := []core.Input{in}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		out := s.Step(next)
		for _, e := range out.Effects {
			all = append(all, e)
			switch {
			case e.Work != nil:
				if s.HoldWork {
					s.Held = append(s.Held, *e.Work)
					continue
				}
				r := core.DoWork(*e.Work)
				queue = append(queue, core.Input{WorkDone: &r})
			case e.Fetch != nil:
				if s.OnFetch == nil {
					s.r.Fatalf("unexpected fetch of %s", e.Fetch.URL)
				}
				r := s.OnFetch(*e.Fetch)
				r.ID = e.Fetch.ID
				queue = append(queue, core.Input{FetchDone: &r})
			case e.Run != nil:
				var r *core.RunResult
				if s.OnRun != nil {
					r = s.OnRun(*e.Run)
				}
				if r == nil {
					s.HeldRuns = append(s.HeldRuns, *e.Run)
					continue
				}
				r.ID = e.Run.ID
				queue = append(queue, core.Input{RunDone: r})
			case e.Notify != nil:
				var r *core.NotifyResult
				if s.OnNotify != nil {
					r = s.OnNotify(*e.Notify)
				}
				if r == nil {
					s.HeldNotifies = append(s.HeldNotifies, *e.Notify)
					continue
				}
				r.ID = e.Notify.ID
				queue = append(queue, core.Input{NotifyDone: r})
			case e.External != nil:
				s.Externals = append(s.Externals, *e.External)
			}
		}
	}
	return all
}

// ReleaseWork feeds back the result of the oldest held Work effect.
func (s *Session) ReleaseWork() []core.Effect {
	s.r.Helper()
	if len(s.Held) == 0 {
		s.r.Fatalf("no held work")
	}
	w := s.Held[0]
	s.Held = s.Held[1:]
	r := core.DoWork(w)
	return s.Drive(core.Input{WorkDone: &r})
}

// ReleaseRun answers the oldest held Run effect with an exit code, its
// standard output and an error text (empty when the command ran).
func (s *Session) ReleaseRun(exit int, stdout, errText string) []core.Effect {
	s.r.Helper()
	if len(s.HeldRuns) == 0 {
		s.r.Fatalf("no held run")
	}
	r := s.HeldRuns[0]
	s.HeldRuns = s.HeldRuns[1:]
	res := core.RunResult{ID: r.ID, ExitCode: exit, Error: errText}
	if stdout != "" {
		res.Stdout = []byte(stdout)
	}
	return s.Drive(core.Input{RunDone: &res})
}

// ReleaseNotify answers the oldest held Notify effect: delivered when
// errText is empty.
func (s *Session) ReleaseNotify(errText string) []core.Effect {
	s.r.Helper()
	if len(s.HeldNotifies) == 0 {
		s.r.Fatalf("no held notification")
	}
	n := s.HeldNotifies[0]
	s.HeldNotifies = s.HeldNotifies[1:]
	return s.Drive(core.Input{NotifyDone: &core.NotifyResult{ID: n.ID, Error: errText}})
}

// Advance moves the clock by us microseconds without sending anything.
func (s *Session) Advance(us int64) { s.Now += us }

// Tick sends a Tick.
func (s *Session) Tick() []core.Effect {
	s.r.Helper()
	return s.Drive(core.Input{Tick: &core.Tick{}})
}

// Resp is an HTTP reply and every effect of the steps that led to it.
type Resp struct {
	Status  int
	Header  []core.Header
	Body    []byte
	Effects []core.Effect
}

// Req is an HTTP request; Remote defaults to the session's.
type Req struct {
	Method string
	Path   string
	Header []core.Header
	Body   string
	Remote *string
	Scheme string
}

// H is a header line.
func H(name, value string) core.Header { return core.Header{Name: name, Value: value} }

// Do sends an HTTP request and returns its reply, which must come before
// the steps it causes run out.
func (s *Session) Do(req Req) Resp {
	s.r.Helper()
	id, effects := s.send(req)
	for _, e := range effects {
		if e.Reply != nil && e.Reply.ID == id {
			return Resp{Status: e.Reply.Status, Header: e.Reply.Header, Body: e.Reply.Body, Effects: effects}
		}
	}
	s.r.Fatalf("no reply to %s %s", req.Method, req.Path)
	return Resp{}
}

// DoPending sends an HTTP request whose reply must not come yet, and
// returns its id and the effects so far.
func (s *Session) DoPending(req Req) (uint64, []core.Effect) {
	s.r.Helper()
	id, effects := s.send(req)
	for _, e := range effects {
		if e.Reply != nil && e.Reply.ID == id {
			s.r.Fatalf("%s %s was answered at once (%d %s)", req.Method, req.Path, e.Reply.Status, e.Reply.Body)
		}
	}
	return id, effects
}

func (s *Session) send(req Req) (uint64, []core.Effect) {
	s.nextHTTP++
	id := s.nextHTTP
	remote := s.Remote
	if req.Remote != nil {
		remote = *req.Remote
	}
	scheme := req.Scheme
	if scheme == "" {
		scheme = "http"
	}
	target, query, _ := strings.Cut(req.Path, "?")
	var body []byte
	if req.Body != "" {
		body = []byte(req.Body)
	}
	return id, s.Drive(core.Input{HTTP: &core.HTTPRequest{
		ID: id, Method: req.Method, Scheme: scheme, Path: target, Query: query,
		Header: req.Header, Body: body, Remote: remote,
	}})
}

// Get sends a GET request.
func (s *Session) Get(path string, header ...core.Header) Resp {
	s.r.Helper()
	return s.Do(Req{Method: "GET", Path: path, Header: header})
}

// PostJSON posts a JSON body the way Home Assistant's frontend does, as
// text/plain.
func (s *Session) PostJSON(path, body string, header ...core.Header) Resp {
	s.r.Helper()
	h := append([]core.Header{H("content-type", "text/plain;charset=UTF-8")}, header...)
	return s.Do(Req{Method: "POST", Path: path, Header: h, Body: body})
}

// PostForm posts a form body; fields are name, value pairs kept in the
// order given.
func (s *Session) PostForm(path string, fields ...string) Resp {
	s.r.Helper()
	return s.Do(Req{Method: "POST", Path: path, Header: []core.Header{H("content-type", "application/x-www-form-urlencoded")}, Body: Form(fields...)})
}

// PostFormFrom posts a form body from another address.
func (s *Session) PostFormFrom(remote, path string, fields ...string) Resp {
	s.r.Helper()
	return s.Do(Req{Method: "POST", Path: path, Remote: &remote, Header: []core.Header{H("content-type", "application/x-www-form-urlencoded")}, Body: Form(fields...)})
}

// Form encodes name, value pairs in the order given.
func Form(fields ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(fields); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(fields[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(fields[i+1]))
	}
	return b.String()
}

// Call runs an embedder call.
func (s *Session) Call(op, args string) (json.RawMessage, *core.CallError, []core.Effect) {
	s.r.Helper()
	s.nextCall++
	id := s.nextCall
	var a []byte
	if args != "" {
		a = []byte(args)
	}
	effects := s.Drive(core.Input{Call: &core.Call{ID: id, Op: op, Args: a}})
	for _, e := range effects {
		if e.Result != nil && e.Result.ID == id {
			return e.Result.Value, e.Result.Error, effects
		}
	}
	s.r.Fatalf("no result for call %s", op)
	return nil, nil, nil
}

// CallOK runs a call that must succeed and returns its value.
func (s *Session) CallOK(op, args string) json.RawMessage {
	s.r.Helper()
	v, err, _ := s.Call(op, args)
	if err != nil {
		s.r.Fatalf("call %s %s failed: %v", op, args, err)
	}
	return v
}

// WSOpen opens websocket conn from the session's remote address.
func (s *Session) WSOpen(conn uint64, header ...core.Header) []core.Effect {
	s.r.Helper()
	return s.Drive(core.Input{WSOpen: &core.WSOpen{Conn: conn, Remote: s.Remote, Header: header}})
}

// WSSend sends a text frame on conn.
func (s *Session) WSSend(conn uint64, data string) []core.Effect {
	s.r.Helper()
	return s.Drive(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: []byte(data)}})
}

// WSBinary sends a binary frame on conn.
func (s *Session) WSBinary(conn uint64, data []byte) []core.Effect {
	s.r.Helper()
	return s.Drive(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: data, Binary: true}})
}

// WSClosed reports that conn is gone.
func (s *Session) WSClosed(conn uint64) []core.Effect {
	s.r.Helper()
	return s.Drive(core.Input{WSClosed: &core.WSClosed{Conn: conn}})
}

// WSAuth opens conn and authenticates it with an access token, asserting
// auth_required and auth_ok.
func (s *Session) WSAuth(conn uint64, access string) {
	s.r.Helper()
	s.Equal(Sends(s.WSOpen(conn), conn), []string{`{"type":"auth_required","ha_version":"` + core.DefaultHAVersion + `"}`}, "auth_required")
	s.Equal(Sends(s.WSSend(conn, `{"type":"auth","access_token":"`+access+`"}`), conn), []string{`{"type":"auth_ok","ha_version":"` + core.DefaultHAVersion + `"}`}, "auth_ok")
}

func (s *Session) String() string {
	return fmt.Sprintf("session at %d with %d steps", s.Now, len(s.steps))
}

// PostJSONFrom posts a JSON body from another address.
func (s *Session) PostJSONFrom(remote, path, body string) Resp {
	s.r.Helper()
	return s.Do(Req{Method: "POST", Path: path, Remote: &remote, Header: []core.Header{H("content-type", "text/plain;charset=UTF-8")}, Body: body})
}

// ReplyTo returns the reply to request id among effects.
func (s *Session) ReplyTo(id uint64, effects []core.Effect) Resp {
	s.r.Helper()
	for _, e := range effects {
		if e.Reply != nil && e.Reply.ID == id {
			return Resp{Status: e.Reply.Status, Header: e.Reply.Header, Body: e.Reply.Body, Effects: effects}
		}
	}
	s.r.Fatalf("no reply to request %d", id)
	return Resp{}
}

// Cmd sends a websocket command on conn and returns the one frame the
// connection got back.
func (s *Session) Cmd(conn uint64, msg string) string {
	s.r.Helper()
	r, _ := s.CmdEffects(conn, msg)
	return r
}

// CmdEffects sends a websocket command on conn and returns the one frame
// the connection got back and every effect of the steps.
func (s *Session) CmdEffects(conn uint64, msg string) (string, []core.Effect) {
	s.r.Helper()
	e := s.WSSend(conn, msg)
	sends := Sends(e, conn)
	if len(sends) != 1 {
		s.r.Fatalf("%s: %d frames back, want 1: %q", msg, len(sends), sends)
	}
	return sends[0], e
}
