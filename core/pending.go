package core

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

// resume hands an effect's result to whatever awaited it. Results nobody
// waits for (a duplicate, or one from before a restart) are ignored.
func (c *Core) resume(id uint64, res opResult) {
	k := c.pending[id]
	if k == nil {
		return
	}
	delete(c.pending, id)
	k(c, res)
}
