package core

import "slices"

// timerKind says what a timer does when it fires.
type timerKind uint8

const (
	timerSave        timerKind = iota + 1 // write a delayed document
	timerPurge                            // remove expired refresh tokens
	timerWSAuth                           // close a websocket that sent no auth message
	timerDeleteToken                      // delete a connection's token after the delay
	timerAwait                            // give up on an awaited effect's result
)

// timer is a deadline the core wants a Tick for. Only what must happen
// unprompted is a timer; everything else expires lazily against Now.
type timer struct {
	At   int64
	Kind timerKind
	// Key identifies the timer within its kind: a document path, a
	// connection, a token id.
	Key string
	Seq uint64
}

// timers is a small ordered set. A core has few: one per delayed document,
// the purge, and one per connection in its auth phase.
type timers struct {
	list []timer
	seq  uint64
}

// set schedules (or moves) the timer of kind and key.
func (ts *timers) set(kind timerKind, key string, at int64) {
	for i := range ts.list {
		if ts.list[i].Kind == kind && ts.list[i].Key == key {
			ts.list[i].At = at
			ts.sort()
			return
		}
	}
	ts.seq++
	ts.list = append(ts.list, timer{At: at, Kind: kind, Key: key, Seq: ts.seq})
	ts.sort()
}

func (ts *timers) get(kind timerKind, key string) (int64, bool) {
	for _, t := range ts.list {
		if t.Kind == kind && t.Key == key {
			return t.At, true
		}
	}
	return 0, false
}

func (ts *timers) cancel(kind timerKind, key string) {
	ts.list = slices.DeleteFunc(ts.list, func(t timer) bool { return t.Kind == kind && t.Key == key })
}

func (ts *timers) sort() {
	slices.SortStableFunc(ts.list, func(a, b timer) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
}

// popDue removes and returns the earliest timer due at now.
func (ts *timers) popDue(now int64) (timer, bool) {
	if len(ts.list) == 0 || ts.list[0].At > now {
		return timer{}, false
	}
	t := ts.list[0]
	ts.list = ts.list[1:]
	return t, true
}

func (ts *timers) next() int64 {
	if len(ts.list) == 0 {
		return 0
	}
	return ts.list[0].At
}
