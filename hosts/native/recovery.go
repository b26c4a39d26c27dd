package native

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/hassauth/hassauth/core"
)

// Recovery from a failing engine.
//
// A panic in the core, or a trap in the WebAssembly module, must not take
// the host down nor lose what the core knew. The host keeps a checkpoint:
// a snapshot of the engine (or none, meaning "a fresh engine from the
// configuration and seed") plus every input stepped since. When a step
// fails, the host answers that input with an internal error, restores the
// checkpoint and replays the inputs since it, discarding their outputs,
// which were carried out already. The core is deterministic, so the
// replay rebuilds exactly the state before the failed input, including
// the continuations of requests still waiting for password work or a
// fetch, which a snapshot alone cannot hold. See RATIONALE.md.
//
// Snapshots are taken only when no awaited effect is outstanding, so that
// a checkpoint never lacks a continuation. Their cost grows with the
// store (a snapshot is a .storage/auth encoding), so they are taken when
// the time spent stepping since the last one is a few times what that
// one cost, keeping the overhead small, or when the journal grows large.
// If effects stay outstanding until the journal reaches its hard limit,
// the host snapshots anyway; should a failure then need that checkpoint,
// the requests that were waiting when it was taken get an error, because
// their continuations are gone.

const (
	// checkpointMinInputs is the fewest inputs between two snapshots,
	// unless Options.CheckpointInputs says otherwise.
	checkpointMinInputs = 1024
	// checkpointCostFactor: a snapshot is due once stepping took this many
	// times as long as the last snapshot.
	checkpointCostFactor = 4
	// journalSoftBytes makes a snapshot due whatever it costs.
	journalSoftBytes = 16 << 20
)

// journalHardBytes makes a snapshot happen even with effects outstanding.
// A variable so that a test can reach it without 64 MiB of inputs.
var journalHardBytes = 64 << 20

// checkpoint is the base a failed engine is rebuilt from.
type checkpoint struct {
	// snapshot is the engine's state; nil means a fresh engine.
	snapshot []byte
	// inputs are the inputs stepped since, in order.
	inputs   []core.Input
	bytes    int
	stepTime time.Duration
	snapCost time.Duration
	// lossy lists the requests and calls that were waiting when the
	// snapshot was taken with effects outstanding.
	lossyReplies []uint64
	lossyCalls   []uint64
}

// inputSize estimates an input's memory in the journal.
func inputSize(in core.Input) int {
	n := 128
	switch {
	case in.Load != nil:
		for _, f := range in.Load.Files {
			n += len(f.Path) + len(f.Data)
		}
	case in.HTTP != nil:
		n += len(in.HTTP.Path) + len(in.HTTP.Query) + len(in.HTTP.Body)
		for _, h := range in.HTTP.Header {
			n += len(h.Name) + len(h.Value)
		}
	case in.WSMessage != nil:
		n += len(in.WSMessage.Data)
	case in.FetchDone != nil:
		n += len(in.FetchDone.Body)
	case in.RunDone != nil:
		n += len(in.RunDone.Stdout)
	case in.Call != nil:
		n += len(in.Call.Args)
	}
	return n + len(in.Entropy)
}

// record notes a successful step: the input joins the journal, and the
// effects it awaits (or resolves) update the outstanding set.
func (h *Host) record(in core.Input, out core.Output, took time.Duration) {
	h.cp.inputs = append(h.cp.inputs, in)
	h.cp.bytes += inputSize(in)
	h.cp.stepTime += took
	switch {
	case in.WorkDone != nil:
		delete(h.outstanding, in.WorkDone.ID)
	case in.FetchDone != nil:
		delete(h.outstanding, in.FetchDone.ID)
	case in.RunDone != nil:
		delete(h.outstanding, in.RunDone.ID)
	case in.NotifyDone != nil:
		delete(h.outstanding, in.NotifyDone.ID)
	}
	for _, ef := range out.Effects {
		switch {
		case ef.Work != nil:
			h.outstanding[ef.Work.ID] = true
		case ef.Fetch != nil:
			h.outstanding[ef.Fetch.ID] = true
		case ef.Run != nil:
			h.outstanding[ef.Run.ID] = true
		case ef.Notify != nil:
			h.outstanding[ef.Notify.ID] = true
		}
	}
}

// maybeCheckpoint replaces the checkpoint with a snapshot when one is due.
func (h *Host) maybeCheckpoint() {
	cp := &h.cp
	min := checkpointMinInputs
	if h.opts.CheckpointInputs > 0 {
		min = h.opts.CheckpointInputs
	}
	idle := len(h.outstanding) == 0
	switch {
	case cp.bytes >= journalHardBytes:
	case !idle:
		return
	case cp.bytes >= journalSoftBytes:
	case len(cp.inputs) < min:
		return
	case h.opts.CheckpointInputs == 0 && cp.stepTime < checkpointCostFactor*cp.snapCost:
		return
	}
	t0 := time.Now()
	snap, err := h.eng.Snapshot(context.Background())
	if err != nil {
		if !h.snapshotFailed {
			h.log.Warn("the engine cannot snapshot; recovery will replay from the start", "error", err)
			h.snapshotFailed = true
		}
		return
	}
	*cp = checkpoint{snapshot: snap, snapCost: time.Since(t0)}
	if !idle {
		for id := range h.replies {
			cp.lossyReplies = append(cp.lossyReplies, id)
		}
		for id := range h.calls {
			cp.lossyCalls = append(cp.lossyCalls, id)
		}
	}
}

// rebuild replaces a failed engine with one in the state before the
// failed input: the checkpoint, then the journal replayed. When that
// fails too, the host starts over from the stored files with a new seed,
// losing what only memory held (login flows, codes, connections) but
// nothing that was written.
func (h *Host) rebuild() {
	h.recoveries++
	if err := h.replay(); err == nil {
		h.log.Warn("engine rebuilt after a failure", "replayed_inputs", len(h.cp.inputs))
		return
	} else {
		h.log.Error("could not rebuild the engine from its checkpoint; reloading the stored files", "error", err)
	}
	if err := h.reload(); err != nil {
		h.log.Error("could not reload the stored files; the host cannot go on", "error", err)
		h.fatal = &core.Fatal{Message: "engine lost: " + err.Error()}
	}
}

func (h *Host) replay() error {
	ctx := context.Background()
	if h.cp.snapshot == nil {
		h.eng.Close(ctx)
		eng, err := h.factory(ctx, h.cfg, h.seed)
		if err != nil {
			return err
		}
		h.eng = eng
	} else if err := h.eng.Restore(ctx, h.cp.snapshot); err != nil {
		h.eng.Close(ctx)
		eng, err := h.factory(ctx, h.cfg, h.seed)
		if err != nil {
			return err
		}
		h.eng = eng
		if err := eng.Restore(ctx, h.cp.snapshot); err != nil {
			return err
		}
	}
	deadline := h.micros()
	for i, in := range h.cp.inputs {
		out, err := h.eng.Step(ctx, in)
		if err != nil {
			return fmt.Errorf("replaying input %d of %d: %w", i+1, len(h.cp.inputs), err)
		}
		deadline = out.Deadline
	}
	if len(h.cp.lossyReplies) > 0 || len(h.cp.lossyCalls) > 0 {
		for _, id := range h.cp.lossyReplies {
			h.deliverReply(internalErrorReply(id))
		}
		for _, id := range h.cp.lossyCalls {
			h.deliverResult(internalErrorResult(id))
		}
		h.cp.lossyReplies, h.cp.lossyCalls = nil, nil
	}
	h.setDeadline(deadline)
	return nil
}

// reload starts a fresh engine from the stored files.
func (h *Host) reload() error {
	ctx := context.Background()
	h.eng.Close(ctx)
	h.seed = nextSeed(h.seed, h.opts.Seed != nil)
	eng, err := h.factory(ctx, h.cfg, h.seed)
	if err != nil {
		return err
	}
	h.eng = eng
	files, err := readStored(h.dir)
	if err != nil {
		return err
	}
	bans, err := readBans(h.dir, h.log)
	if err != nil {
		return err
	}
	load := core.Input{Now: h.micros(), Load: &core.Load{Files: files, Bans: bans}}
	out, err := eng.Step(ctx, load)
	if err != nil {
		return err
	}
	for _, ef := range out.Effects {
		if ef.Fatal != nil {
			return errors.New(ef.Fatal.Message)
		}
	}
	h.cp = checkpoint{inputs: []core.Input{load}, bytes: inputSize(load)}
	clear(h.outstanding)
	// The new core knows none of the old requests, calls or connections.
	for id := range h.replies {
		h.deliverReply(internalErrorReply(id))
	}
	for id := range h.calls {
		h.deliverResult(internalErrorResult(id))
	}
	for id, c := range h.conns {
		c.close(1011, "internal error")
		delete(h.conns, id)
	}
	h.apply(out)
	return nil
}

// nextSeed returns the seed for an engine that starts over: never the old
// one, whose random numbers (token secrets) were already handed out.
// Tests that fix the seed get a derived one, to stay reproducible.
func nextSeed(old [32]byte, fixed bool) [32]byte {
	if !fixed {
		var s [32]byte
		if _, err := rand.Read(s[:]); err == nil {
			return s
		}
	}
	return sha256.Sum256(append(old[:], "hassauth reload"...))
}

func internalErrorReply(id uint64) *core.Reply {
	return &core.Reply{ID: id, Status: 500,
		Header: []core.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
		Body:   []byte("500 Internal Server Error\n\nServer got itself in trouble")}
}

func internalErrorResult(id uint64) *core.Result {
	return &core.Result{ID: id, Error: &core.CallError{Code: "internal_error", Message: "the core failed on this call"}}
}

// failedResult is the input that tells the core an effect's result is
// lost: the input that carried the real one made the engine fail.
func failedResult(in core.Input) (core.Input, bool) {
	const msg = "internal error"
	switch {
	case in.WorkDone != nil:
		return core.Input{WorkDone: &core.WorkResult{ID: in.WorkDone.ID, Error: msg}}, true
	case in.FetchDone != nil:
		return core.Input{FetchDone: &core.FetchResult{ID: in.FetchDone.ID, Error: msg}}, true
	case in.RunDone != nil:
		return core.Input{RunDone: &core.RunResult{ID: in.RunDone.ID, ExitCode: -1, Error: msg}}, true
	case in.NotifyDone != nil:
		return core.Input{NotifyDone: &core.NotifyResult{ID: in.NotifyDone.ID, Error: msg}}, true
	}
	return core.Input{}, false
}
