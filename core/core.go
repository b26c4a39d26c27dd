package core

import (
	"errors"
	"net/netip"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/jwt"
	"github.com/hassauth/hassauth/core/network"
)

// Core is the auth engine's state. It is not safe for concurrent use: a
// host calls Step from one goroutine at a time.
type Core struct {
	cfg Config
	rng *drbg
	// now is the current input's time, Unix microseconds.
	now int64

	loaded bool
	store  *authstore.Store

	providers []provider
	mfa       []mfaModule

	flows map[string]*loginFlow
	conns map[uint64]*wsConn
	codes map[codeKey]*authCode

	// mfaSetups are the MFA setup flows of auth/setup_mfa (mfasetup.go),
	// made on first use.
	mfaSetups map[string]*mfaSetupFlow

	// pending maps the id of an effect whose result is awaited to what
	// waits for it.
	pending map[uint64]continuation
	nextID  uint64

	timers timers
	saves  saveState
	// journalUsed is set once an entry was appended to the journal since
	// .storage/auth was last written.
	journalUsed bool

	// forwarded holds use_x_forwarded_for and trusted_proxies.
	forwarded network.Forwarded
	bans      bans
	// haUsers is the homeassistant provider's user list.
	haUsers []haUser
	// signKey signs paths (authSig); nil until the first path is signed.
	signKey *jwt.Key
	// jwtScratch is reused by every access-token check, so that checking a
	// token allocates almost nothing.
	jwtScratch jwt.Token
	// externalKey signs the state of external OAuth2 flows; made on first
	// use, never stored (http_external_callback.go).
	externalKey *jwt.Key

	// out collects the effects of the current step.
	out []Effect
}

// New builds a core from its configuration and a 32-byte random seed.
// Nothing is loaded yet: the host's first input must be a Load.
func New(cfg Config, seed [32]byte) (*Core, error) {
	c := &Core{
		rng:     newDRBG(seed),
		store:   authstore.New(),
		flows:   map[string]*loginFlow{},
		conns:   map[uint64]*wsConn{},
		codes:   map[codeKey]*authCode{},
		pending: map[uint64]continuation{},
		bans:    bans{failed: map[netip.Addr]int{}, banned: map[netip.Addr]bool{}},
	}
	if err := c.configure(cfg); err != nil {
		return nil, err
	}
	return c, nil
}

// errNotLoaded answers inputs that arrive before the Load.
var errNotLoaded = errors.New("core: no Load input yet")

// Step handles one input and returns the effects to carry out, in order,
// and the next deadline.
func (c *Core) Step(in Input) Output {
	c.now = in.Now
	if len(in.Entropy) > 0 {
		c.rng.mix(in.Entropy)
	}
	c.out = nil
	switch {
	case in.Load != nil:
		c.load(in.Load)
	case !c.loaded:
		c.refuseUnloaded(in)
	case in.HTTP != nil:
		c.handleHTTP(in.HTTP)
	case in.WSOpen != nil:
		c.wsOpen(in.WSOpen)
	case in.WSMessage != nil:
		c.wsMessage(in.WSMessage)
	case in.WSClosed != nil:
		c.wsClosed(in.WSClosed)
	case in.WorkDone != nil:
		c.resume(in.WorkDone.ID, opResult{work: in.WorkDone})
	case in.FetchDone != nil:
		c.resume(in.FetchDone.ID, opResult{fetch: in.FetchDone})
	case in.RunDone != nil:
		c.resume(in.RunDone.ID, opResult{run: in.RunDone})
	case in.NotifyDone != nil:
		c.resume(in.NotifyDone.ID, opResult{notify: in.NotifyDone})
	case in.Call != nil:
		c.handleCall(in.Call)
	}
	if c.loaded {
		c.runTimers()
		c.commitChanges()
	}
	return Output{Effects: c.out, Deadline: c.timers.next()}
}

func (c *Core) refuseUnloaded(in Input) {
	switch {
	case in.HTTP != nil:
		c.replyText(&request{HTTPRequest: in.HTTP}, 503, "503: Service Unavailable")
	case in.WSOpen != nil:
		c.emit(Effect{Close: &WSClose{Conn: in.WSOpen.Conn, Code: 1011, Reason: errNotLoaded.Error()}})
	case in.Call != nil:
		c.callError(in.Call.ID, "not_loaded", errNotLoaded.Error())
	}
}

// runTimers fires every timer that is due, earliest first.
func (c *Core) runTimers() {
	for {
		t, ok := c.timers.popDue(c.now)
		if !ok {
			return
		}
		switch t.Kind {
		case timerSave:
			c.saveNow(t.Key)
		case timerPurge:
			c.purgeExpired()
		case timerWSAuth:
			c.wsAuthTimeout(t.Key)
		case timerDeleteToken:
			if rt := c.store.Token(t.Key); rt != nil {
				c.removeRefreshToken(rt)
			}
		case timerAwait:
			c.awaitExpired(t.Key)
		}
	}
}

func (c *Core) emit(e Effect) { c.out = append(c.out, e) }

// newID returns the id of a new effect whose result the core awaits.
func (c *Core) newID() uint64 {
	c.nextID++
	return c.nextID
}

func (c *Core) logf(level LogLevel, msg string) {
	c.emit(Effect{Log: &Log{Level: level, Message: msg}})
}
