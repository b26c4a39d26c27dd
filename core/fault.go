package core

import "github.com/hassauth/hassauth/core/orjson"

// OpFault makes the core panic in the middle of a Call, so that tests can
// check that a host survives a failing engine: {"trap": true} asks a
// WebAssembly host's guest to let the failure become a trap rather than
// an error it reports. It exists only when Config.FaultInjection is set;
// otherwise it is an unknown operation like any other.
const OpFault = "fault"

// InjectedFault is the value OpFault panics with.
type InjectedFault struct {
	// Trap asks the WebAssembly guest to trap instead of reporting the
	// panic as an error.
	Trap bool
}

func (f InjectedFault) Error() string {
	if f.Trap {
		return "injected fault (trap)"
	}
	return "injected fault"
}

func init() {
	callHandlers[OpFault] = func(c *Core, call *Call, args orjson.Value) {
		if !c.cfg.FaultInjection {
			c.callError(call.ID, CallUnknownOp, "unknown operation "+call.Op)
			return
		}
		trap, _ := args.Get("trap")
		// Change some state first, so that a host that kept going with this
		// core instead of rebuilding it would be caught by its tests.
		c.nextID += 1000
		panic(InjectedFault{Trap: trap.Bool})
	}
}
