package native

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hassauth/hassauth/core"
)

// Options configure a Host.
type Options struct {
	// ConfigDir is the Home Assistant configuration directory; .storage is
	// created in it when missing.
	ConfigDir string
	// Config is the core's configuration. Nil means: read
	// ConfigDir/configuration.yaml (Home Assistant's defaults without one).
	Config *core.Config
	// Engine builds the engine; nil means the native one.
	Engine EngineFactory
	// Seed seeds the core's random generator; nil means 32 bytes from
	// crypto/rand. Tests fix it to get reproducible ids.
	Seed *[32]byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the core's log lines; nil means slog.Default().
	Logger *slog.Logger
	// Workers is the number of goroutines for password work; 0 means
	// runtime.NumCPU().
	Workers int
	// HTTPClient fetches IndieAuth client pages; nil means a client that
	// refuses nothing but follows the core's limits.
	HTTPClient *http.Client
	// Notify delivers notify-module codes; nil means the services of
	// ConfigDir/hassauth.yaml (see LoadNotifyServices), and without any a
	// code cannot be sent, which is logged.
	Notify Notifier
	// External receives the OAuth2 authorization responses that reach
	// /auth/external/callback for a state made with the core's
	// create_external_state call (see core.External). It runs on its own
	// goroutine and may call the Host.
	External func(core.External)
	// NoLock skips the directory lock (tests that open one directory twice
	// on purpose).
	NoLock bool
	// CheckpointInputs, when set, snapshots the engine for recovery after
	// that many inputs whenever no effect is outstanding, instead of the
	// adaptive schedule (see recovery.go). Tests set it low.
	CheckpointInputs int
}

// Notifier delivers a one-time code through a notification service.
type Notifier interface {
	Notify(ctx context.Context, n core.Notify) error
}

// Host runs a core and carries out its effects.
type Host struct {
	opts   Options
	dir    string
	log    *slog.Logger
	now    func() time.Time
	eng    Engine
	lock   *os.File
	inputs chan hostInput
	// work feeds the password workers.
	work chan workItem
	done chan struct{}
	wg   sync.WaitGroup

	nextReq  atomic.Uint64
	nextConn atomic.Uint64
	nextCall atomic.Uint64

	// Owned by the loop goroutine.
	replies map[uint64]chan *core.Reply
	calls   map[uint64]chan *core.Result
	conns   map[uint64]*wsConn
	timer   *time.Timer
	fatal   *core.Fatal

	// What rebuilds a failed engine (recovery.go), owned by the loop.
	factory     EngineFactory
	cfg         core.Config
	seed        [32]byte
	cp          checkpoint
	outstanding map[uint64]bool
	// snapshotFailed is set once a snapshot failed, to log it once.
	snapshotFailed bool
	recoveries     int
	// tickFaults counts ticks in a row that made the engine fail.
	tickFaults int

	closeOnce sync.Once
	closed    atomic.Bool

	stats struct {
		steps, writes, authWrites, appends atomic.Uint64
	}
}

// Stats counts what a host has done since it opened.
type Stats struct {
	// Steps is the number of inputs the engine handled.
	Steps uint64
	// Writes counts atomic replacements of stored documents, AuthWrites
	// those of .storage/auth among them.
	Writes, AuthWrites uint64
	// Appends counts synced appends to the journal.
	Appends uint64
}

// Stats returns the host's counters.
func (h *Host) Stats() Stats {
	return Stats{
		Steps:      h.stats.steps.Load(),
		Writes:     h.stats.writes.Load(),
		AuthWrites: h.stats.authWrites.Load(),
		Appends:    h.stats.appends.Load(),
	}
}

// hostInput is an input for the loop with, for requests and calls, where
// the answer goes.
type hostInput struct {
	in    core.Input
	reply chan *core.Reply
	call  chan *core.Result
	conn  *wsConn
	// fn runs on the loop goroutine instead of an input (registration,
	// cancellation).
	fn func()
}

// Open loads a configuration directory and starts the host.
func Open(opts Options) (*Host, error) {
	if opts.ConfigDir == "" {
		return nil, errors.New("native: Options.ConfigDir is required")
	}
	h := &Host{
		opts:    opts,
		dir:     opts.ConfigDir,
		log:     opts.Logger,
		now:     opts.Now,
		inputs:  make(chan hostInput, 256),
		done:    make(chan struct{}),
		replies: map[uint64]chan *core.Reply{},
		calls:   map[uint64]chan *core.Result{},
		conns:   map[uint64]*wsConn{},

		outstanding: map[uint64]bool{},
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if err := os.MkdirAll(filepath.Join(h.dir, ".storage"), 0o700); err != nil {
		return nil, err
	}
	if !opts.NoLock {
		lock, err := lockDir(h.dir)
		if err != nil {
			return nil, err
		}
		h.lock = lock
	}
	ok := false
	defer func() {
		if !ok && h.lock != nil {
			h.lock.Close()
		}
	}()
	cfg := opts.Config
	if cfg == nil {
		c, err := LoadConfig(h.dir)
		if err != nil {
			return nil, err
		}
		cfg = &c
	}
	withNotify, err := h.setupNotify(*cfg)
	if err != nil {
		return nil, err
	}
	cfg = &withNotify
	var seed [32]byte
	if opts.Seed != nil {
		seed = *opts.Seed
	} else if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	factory := opts.Engine
	if factory == nil {
		factory = NativeEngine
	}
	eng, err := factory(context.Background(), *cfg, seed)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	h.eng, h.factory, h.cfg, h.seed = eng, factory, *cfg, seed
	files, err := readStored(h.dir)
	if err != nil {
		eng.Close(context.Background())
		return nil, err
	}
	bans, err := readBans(h.dir, h.log)
	if err != nil {
		eng.Close(context.Background())
		return nil, err
	}
	h.timer = time.NewTimer(time.Hour)
	h.timer.Stop()
	// The load runs before the loop starts, so that a file that does not
	// parse stops Open before anything could write.
	load := core.Input{Now: h.micros(), Load: &core.Load{Files: files, Bans: bans}}
	t0 := time.Now()
	out, err := eng.Step(context.Background(), load)
	if err != nil {
		eng.Close(context.Background())
		return nil, err
	}
	for _, ef := range out.Effects {
		if ef.Fatal != nil {
			eng.Close(context.Background())
			if ef.Fatal.Path != "" {
				return nil, fmt.Errorf("%s: %s", filepath.Join(h.dir, filepath.FromSlash(ef.Fatal.Path)), ef.Fatal.Message)
			}
			return nil, errors.New(ef.Fatal.Message)
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		// Leave a core for the loop, so that bcrypt never delays refreshes.
		workers = max(1, runtime.NumCPU()-1)
	}
	h.work = make(chan workItem, 256)
	for i := 0; i < workers; i++ {
		h.wg.Add(1)
		go h.worker()
	}
	// Until the first snapshot, recovery replays from a fresh engine.
	h.record(load, out, time.Since(t0))
	h.apply(out)
	h.wg.Add(1)
	go h.loop()
	ok = true
	return h, nil
}

func (h *Host) micros() int64 { return h.now().UnixMicro() }

// submit hands an input to the loop; false when the host is closed.
func (h *Host) submit(hi hostInput) bool {
	select {
	case h.inputs <- hi:
		return true
	case <-h.done:
		return false
	}
}

// loop is the one goroutine that steps the engine.
func (h *Host) loop() {
	defer h.wg.Done()
	for {
		select {
		case <-h.done:
			return
		case hi := <-h.inputs:
			if hi.fn != nil {
				hi.fn()
				continue
			}
			if hi.reply != nil && hi.in.HTTP != nil {
				h.replies[hi.in.HTTP.ID] = hi.reply
			}
			if hi.call != nil && hi.in.Call != nil {
				h.calls[hi.in.Call.ID] = hi.call
			}
			if hi.conn != nil {
				h.conns[hi.conn.id] = hi.conn
			}
			h.step(hi.in)
		case <-h.timer.C:
			h.step(core.Input{Tick: &core.Tick{}})
		}
	}
}

// step runs one input through the engine and applies its effects.
func (h *Host) step(in core.Input) {
	h.stepInput(in, false)
}

// stepInput steps in; retried marks an input the host made up after the
// real one failed, which is not retried again.
func (h *Host) stepInput(in core.Input, retried bool) {
	in.Now = h.micros()
	h.stats.steps.Add(1)
	t0 := time.Now()
	out, err := h.eng.Step(context.Background(), in)
	if err != nil {
		h.log.Error("the core failed on an input; answering it with an error and rebuilding the engine", "error", err)
		h.failInput(in)
		h.rebuild()
		if in.Tick != nil {
			// A timer that fails would fail again at once: back off.
			h.tickFaults++
			h.timer.Stop()
			h.timer.Reset(min(time.Second<<min(h.tickFaults, 6), time.Minute))
		}
		// The request that awaited this result would wait for ever: tell
		// the core the result is lost.
		if lost, ok := failedResult(in); ok && !retried {
			h.stepInput(lost, true)
		}
		return
	}
	if in.Tick != nil {
		h.tickFaults = 0
	}
	h.record(in, out, time.Since(t0))
	h.apply(out)
	h.maybeCheckpoint()
}

// failInput answers an input the engine could not handle: 500 for a
// request, an error for a call, a closed connection for a websocket
// event.
func (h *Host) failInput(in core.Input) {
	var conn uint64
	switch {
	case in.HTTP != nil:
		h.deliverReply(internalErrorReply(in.HTTP.ID))
	case in.Call != nil:
		h.deliverResult(internalErrorResult(in.Call.ID))
	case in.WSMessage != nil:
		conn = in.WSMessage.Conn
	case in.WSOpen != nil:
		conn = in.WSOpen.Conn
	}
	if c := h.conns[conn]; c != nil {
		c.close(1011, "internal error")
		delete(h.conns, c.id)
	}
}

// apply carries out effects in order. Writes are finished before the next
// effect, so a reply never reports a change a crash could lose; if a write
// fails, the replies that follow it in this output become errors.
func (h *Host) apply(out core.Output) {
	writeFailed := false
	for i := range out.Effects {
		ef := &out.Effects[i]
		switch {
		case ef.Reply != nil:
			if writeFailed {
				h.deliverReply(&core.Reply{ID: ef.Reply.ID, Status: 503,
					Header: []core.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
					Body:   []byte("503: Service Unavailable")})
				continue
			}
			h.deliverReply(ef.Reply)
		case ef.Send != nil:
			if c := h.conns[ef.Send.Conn]; c != nil {
				if !c.enqueue(ef.Send.Data) {
					delete(h.conns, c.id)
					h.submitLater(core.Input{WSClosed: &core.WSClosed{Conn: c.id}})
				}
			}
		case ef.Close != nil:
			if c := h.conns[ef.Close.Conn]; c != nil {
				c.close(ef.Close.Code, ef.Close.Reason)
				delete(h.conns, c.id)
			}
		case ef.Write != nil:
			h.stats.writes.Add(1)
			if ef.Write.Path == core.PathAuth {
				h.stats.authWrites.Add(1)
			}
			if err := writeAtomic(h.dir, ef.Write.Path, ef.Write.Data, ef.Write.Private); err != nil {
				h.log.Error("could not write a stored document", "path", ef.Write.Path, "error", err)
				writeFailed = true
			}
		case ef.Append != nil:
			h.stats.appends.Add(1)
			if err := appendSync(h.dir, ef.Append.Path, ef.Append.Data, ef.Append.Private); err != nil {
				h.log.Error("could not append to a stored document", "path", ef.Append.Path, "error", err)
				writeFailed = true
			}
		case ef.Work != nil:
			// The engine is read here, on the loop: recovery may replace
			// h.eng while the work runs.
			item := workItem{eng: h.eng, w: *ef.Work}
			select {
			case h.work <- item:
			default:
				// Never block the loop on a full queue.
				h.goAsync(func() {
					select {
					case h.work <- item:
					case <-h.done:
					}
				})
			}
		case ef.Fetch != nil:
			f := *ef.Fetch
			h.goAsync(func() { h.submit(hostInput{in: core.Input{FetchDone: h.fetch(f)}}) })
		case ef.Run != nil:
			r := *ef.Run
			h.goAsync(func() { h.submit(hostInput{in: core.Input{RunDone: h.runCommand(r)}}) })
		case ef.Notify != nil:
			n := *ef.Notify
			h.goAsync(func() { h.submit(hostInput{in: core.Input{NotifyDone: h.notify(n)}}) })
		case ef.Ban != nil:
			if err := appendBan(h.dir, *ef.Ban); err != nil {
				h.log.Error("could not record a ban in ip_bans.yaml", "ip", ef.Ban.IP, "error", err)
			}
		case ef.External != nil:
			h.external(*ef.External)
		case ef.Log != nil:
			h.logLine(ef.Log)
		case ef.Result != nil:
			h.deliverResult(ef.Result)
		case ef.Fatal != nil:
			h.fatal = ef.Fatal
			h.log.Error("core stopped", "path", ef.Fatal.Path, "message", ef.Fatal.Message)
		}
	}
	h.setDeadline(out.Deadline)
}

func (h *Host) goAsync(fn func()) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		fn()
	}()
}

// submitLater queues an input from the loop itself without blocking it.
func (h *Host) submitLater(in core.Input) {
	h.goAsync(func() { h.submit(hostInput{in: in}) })
}

func (h *Host) setDeadline(deadline int64) {
	h.timer.Stop()
	if deadline == 0 {
		return
	}
	d := time.Duration(deadline-h.micros()) * time.Microsecond
	if d < 0 {
		d = 0
	}
	h.timer.Reset(d)
}

func (h *Host) deliverReply(r *core.Reply) {
	if ch := h.replies[r.ID]; ch != nil {
		delete(h.replies, r.ID)
		ch <- r
	}
}

func (h *Host) deliverResult(r *core.Result) {
	if ch := h.calls[r.ID]; ch != nil {
		delete(h.calls, r.ID)
		ch <- r
	}
}

func (h *Host) logLine(l *core.Log) {
	switch l.Level {
	case core.LogDebug:
		h.log.Debug(l.Message)
	case core.LogInfo:
		h.log.Info(l.Message)
	case core.LogWarning:
		h.log.Warn(l.Message)
	default:
		h.log.Error(l.Message)
	}
}

// workItem is password work and the engine that computes it.
type workItem struct {
	eng Engine
	w   core.Work
}

// worker computes password work off the loop. Each worker keeps an OS
// thread of its own and asks the system to run it at a lower priority, so
// that a burst of bcrypt (a quarter of a second each at cost 12) never
// delays the loop or the HTTP handlers: they get the processor first.
func (h *Host) worker() {
	defer h.wg.Done()
	runtime.LockOSThread()
	lowerThreadPriority()
	for {
		select {
		case <-h.done:
			return
		case it := <-h.work:
			r, err := it.eng.Work(context.Background(), it.w)
			if err != nil {
				r = core.WorkResult{ID: it.w.ID, Error: err.Error()}
			}
			h.submit(hostInput{in: core.Input{WorkDone: &r}})
		}
	}
}

// ErrClosed is returned by calls on a closed host.
var ErrClosed = errors.New("native: host is closed")

// Call runs one of the core's operations (core.Op...) with JSON arguments
// and returns its JSON result.
func (h *Host) Call(ctx context.Context, op string, args []byte) ([]byte, error) {
	id := h.nextCall.Add(1)
	ch := make(chan *core.Result, 1)
	if !h.submit(hostInput{in: core.Input{Call: &core.Call{ID: id, Op: op, Args: args}}, call: ch}) {
		return nil, ErrClosed
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return nil, r.Error
		}
		return r.Value, nil
	case <-ctx.Done():
		h.submit(hostInput{fn: func() { delete(h.calls, id) }})
		return nil, ctx.Err()
	case <-h.done:
		return nil, ErrClosed
	}
}

// Close flushes pending writes and stops the host. Connections are closed;
// requests still waiting get no answer.
func (h *Host) Close() error {
	var err error
	h.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = h.Call(ctx, core.OpFlush, nil)
		h.submit(hostInput{fn: func() {
			for id, c := range h.conns {
				c.close(1001, "server shutting down")
				delete(h.conns, id)
			}
		}})
		h.closed.Store(true)
		close(h.done)
		h.wg.Wait()
		h.timer.Stop()
		h.eng.Close(context.Background())
		if h.lock != nil {
			h.lock.Close()
		}
	})
	return err
}
