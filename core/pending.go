package core

import "strconv"

// opResult is the result of an awaited effect: exactly one field is set.
type opResult struct {
	work   *WorkResult
	fetch  *FetchResult
	run    *RunResult
	notify *NotifyResult
}

// continuation is what runs when an awaited effect's result comes back.
// Continuations are not part of a snapshot: a host that restores one fails
// the requests that were still waiting, and results for them are ignored.
type continuation func(c *Core, res opResult)

func (c *Core) await(id uint64, k continuation) { c.pending[id] = k }

// awaitUntil gives the effect id until at (Unix microseconds) to report:
// then its continuation runs with an empty result, as if it had failed, and
// a result that comes later is ignored. Fetches and commands use it so that
// a host that never answers cannot hold a login open.
func (c *Core) awaitUntil(id uint64, at int64) {
	c.timers.set(timerAwait, strconv.FormatUint(id, 10), at)
}

func (c *Core) awaitExpired(key string) {
	id, err := strconv.ParseUint(key, 10, 64)
	if err != nil {
		return
	}
	c.resume(id, opResult{})
}

// resume hands an effect's result to whatever awaited it. Results nobody
// waits for (a duplicate, or one from before a restart) are ignored.
func (c *Core) resume(id uint64, res opResult) {
	k := c.pending[id]
	if k == nil {
		return
	}
	delete(c.pending, id)
	c.timers.cancel(timerAwait, strconv.FormatUint(id, 10))
	k(c, res)
}
