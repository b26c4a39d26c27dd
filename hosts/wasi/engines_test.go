package wasi_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/wasi"
	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

var (
	seed   = [32]byte{9, 8, 7}
	config = core.Config{BcryptCost: 4, FaultInjection: true}
)

// transcript is a session in wire JSON: a load, a user, a login to
// tokens, and the delayed write.
var transcript = []string{
	`{"now":1788256800000000,"load":{"files":[]}}`,
	`{"now":1788256801000000,"call":{"id":1,"op":"create_user","args":{"username":"alice","password":"secret pass"}}}`,
	`{"now":1788256802000000,"http":{"id":1,"method":"POST","path":"/auth/login_flow","remote":"192.168.1.2:5000","body":"{\"client_id\":\"https://example.com/\",\"handler\":[\"homeassistant\",null],\"redirect_uri\":\"https://example.com/cb\"}"}}`,
	`{"now":1788256803000000,"ws_open":{"conn":1,"remote":"192.168.1.2:5001"}}`,
	`{"now":1788257200000000,"tick":{}}`,
}

// drive runs the transcript, computing each Work effect with the engine's
// own work function, and returns every output line.
func drive(t *testing.T, e wasi.Engine, lines []string) []string {
	t.Helper()
	ctx := context.Background()
	var outs []string
	queue := append([]string(nil), lines...)
	for len(queue) > 0 {
		line := queue[0]
		queue = queue[1:]
		out, err := e.Step(ctx, []byte(line))
		require.NoError(t, err, "input %s", line)
		outs = append(outs, string(out))
		parsed, err := core.ParseOutput(out)
		require.NoError(t, err)
		in, err := core.ParseInput([]byte(line))
		require.NoError(t, err)
		for _, ef := range parsed.Effects {
			if ef.Work != nil {
				res, err := e.Work(ctx, core.AppendWork(nil, *ef.Work))
				require.NoError(t, err)
				r, err := core.ParseWorkResult(res)
				require.NoError(t, err)
				queue = append([]string{string(core.AppendInput(nil, core.Input{Now: in.Now, WorkDone: &r}))}, queue...)
			}
		}
	}
	return outs
}

func kinds(t *testing.T) []string {
	if _, err := exec.LookPath("node"); err != nil {
		t.Log("node is not installed: skipping the Node.js engine")
		return []string{wasi.Native, wasi.Wazero, wasi.Command}
	}
	return wasi.Kinds
}

// TestEnginesAgree runs one transcript through every engine and checks
// that all outputs, and the snapshots after them, are the same bytes; and
// that each engine continues identically from a snapshot restored into it.
func TestEnginesAgree(t *testing.T) {
	ctx := context.Background()
	var want []string
	var wantSnap []byte
	for _, kind := range kinds(t) {
		t.Run(kind, func(t *testing.T) {
			e, err := wasi.Open(ctx, kind, config, seed)
			require.NoError(t, err)
			defer func() { assert.NoError(t, e.Close()) }()
			got := drive(t, e, transcript[:3])
			snap, err := e.Snapshot(ctx)
			require.NoError(t, err)
			got = append(got, drive(t, e, transcript[3:])...)
			final, err := e.Snapshot(ctx)
			require.NoError(t, err)
			if want == nil {
				want, wantSnap = got, final
				require.Contains(t, strings.Join(want, "\n"), `{"write":{"path":".storage/auth"`)
			} else {
				assert.Equal(t, want, got)
				assert.Equal(t, string(wantSnap), string(final))
			}

			// Restored mid-way, the engine repeats the second half.
			require.NoError(t, e.Restore(ctx, snap))
			again := drive(t, e, transcript[3:])
			assert.Equal(t, want[len(want)-len(again):], again)
		})
	}
}

// TestEnginesReportFaults checks that a panic in the core is an error
// envelope on every engine, and that restore repairs the engine.
func TestEnginesReportFaults(t *testing.T) {
	ctx := context.Background()
	for _, kind := range kinds(t) {
		t.Run(kind, func(t *testing.T) {
			e, err := wasi.Open(ctx, kind, config, seed)
			require.NoError(t, err)
			defer e.Close()
			drive(t, e, transcript[:1])
			snap, err := e.Snapshot(ctx)
			require.NoError(t, err)
			_, err = e.Step(ctx, []byte(`{"now":1788256801000000,"call":{"id":5,"op":"fault"}}`))
			var ae *abi.Error
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, abi.CodePanic, ae.Code)
			_, err = e.Step(ctx, []byte(`{"now":1788256801000000,"call":{"id":6,"op":"list_users"}}`))
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, abi.CodeBroken, ae.Code)
			require.NoError(t, e.Restore(ctx, snap))
			out, err := e.Step(ctx, []byte(`{"now":1788256801000000,"call":{"id":6,"op":"list_users"}}`))
			require.NoError(t, err)
			assert.Equal(t, `{"effects":[{"result":{"id":6,"value":[]}}],"deadline":1788257100000000}`, string(out))
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	_, err := wasi.Open(ctx, "nope", config, seed)
	assert.Error(t, err)
	for _, kind := range []string{wasi.Native, wasi.Command} {
		_, err := wasi.Open(ctx, kind, core.Config{Providers: []core.ProviderConfig{{Type: "nope"}}}, seed)
		var ae *abi.Error
		require.ErrorAs(t, err, &ae, kind)
		assert.Equal(t, abi.CodeConfig, ae.Code)
	}
}
