package native

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// fakeTimer records an armed pending check.
type fakeTimer struct {
	d       time.Duration
	f       func()
	stopped bool
}

func (t *fakeTimer) Stop() bool { t.stopped = true; return true }

func queueConn() (*wsConn, *[]*fakeTimer) {
	var timers []*fakeTimer
	c := &wsConn{id: 1, wake: make(chan struct{}, 1), afterFunc: func(d time.Duration, f func()) stopper {
		t := &fakeTimer{d: d, f: f}
		timers = append(timers, t)
		return t
	}}
	return c, &timers
}

// TestPendingQueueMax checks MAX_PENDING_MSG: the frame that makes 4096
// waiting closes the connection and drops the queue.
func TestPendingQueueMax(t *testing.T) {
	c, _ := queueConn()
	for i := 1; i < core.MaxPendingMessages; i++ {
		require.True(t, c.enqueue([]byte("x")), "frame %d", i)
	}
	assert.False(t, c.closing)
	assert.False(t, c.enqueue([]byte("x")))
	assert.True(t, c.closing)
	assert.Empty(t, c.q, "what the client did not read is dropped")
	frame, closing := c.next()
	assert.Nil(t, frame)
	assert.True(t, closing)
}

// TestPendingQueuePeak checks PENDING_MSG_PEAK and PENDING_MSG_PEAK_TIME:
// above 1024 waiting frames a check is armed for ten seconds; a queue back
// at or below the peak by an enqueue disarms it, and a queue still at the
// peak when it fires closes the connection.
func TestPendingQueuePeak(t *testing.T) {
	c, timers := queueConn()
	for i := 0; i < core.PendingMessagePeak; i++ {
		c.enqueue([]byte("x"))
	}
	assert.Empty(t, *timers, "at the peak, nothing is armed")
	c.enqueue([]byte("x"))
	require.Len(t, *timers, 1)
	assert.Equal(t, 10*time.Second, (*timers)[0].d)
	c.enqueue([]byte("x"))
	assert.Len(t, *timers, 1, "armed once")

	// The client reads until the queue is at the peak; the next frame
	// disarms the check.
	c.next()
	c.next()
	c.next()
	c.enqueue([]byte("x"))
	assert.True(t, (*timers)[0].stopped)

	// Above the peak again, and still there when the check fires.
	c.enqueue([]byte("x"))
	c.enqueue([]byte("x"))
	require.Len(t, *timers, 2)
	(*timers)[1].f()
	assert.True(t, c.closing)
	assert.Empty(t, c.q)
}

// TestPendingQueuePeakRecovered checks that a check finding the queue
// below the peak leaves the connection open.
func TestPendingQueuePeakRecovered(t *testing.T) {
	c, timers := queueConn()
	for i := 0; i <= core.PendingMessagePeak; i++ {
		c.enqueue([]byte("x"))
	}
	require.Len(t, *timers, 1)
	c.next()
	c.next()
	(*timers)[0].f()
	assert.False(t, c.closing)
	assert.Len(t, c.q, core.PendingMessagePeak-1)
}
