package wasi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/hosts/wasm"
	"github.com/hassauth/hassauth/hosts/wasm/abi"
	"github.com/hassauth/hassauth/testvectors"
)

// The per-message budgets (make bench): what an engine takes to turn an
// input's wire JSON into its output's wire JSON, summed over the vector
// message mix, for the module under wazero and under Node against the
// native core, measured side by side in one run.
//
// A message is timed by the CPU time of the thread that runs it (Node:
// of its process), not by the wall clock: on a machine shared with other
// work, time in which the engine was not running would otherwise count.
// -budget-clock=wall times by the wall clock instead. The cost of reading
// the clock is measured in the same run and taken off every message.
var (
	budget       = flag.Bool("budget", false, "measure and print the performance budgets")
	budgetDetail = flag.Bool("budget-detail", false, "with -budget, also print the cost of each kind of input")
	budgetClock  = flag.String("budget-clock", "cpu", "with -budget, time messages by the thread's CPU time (cpu) or the wall clock (wall)")
)

// clock reads the clock the budget uses, in nanoseconds.
type clock func() int64

func wallClock() int64 { return time.Now().UnixNano() }

func cpuClock() int64 {
	t, _ := threadCPU()
	return t
}

// pickClock returns the clock -budget-clock names, and its name.
func pickClock() (clock, string) {
	if _, ok := threadCPU(); ok && *budgetClock == "cpu" {
		return cpuClock, "cpu"
	}
	return wallClock, "wall"
}

// clockCost is what reading the clock twice adds to a timed message: the
// mean of many empty intervals, leaving out the fastest and slowest tenth
// (a clock that counts in coarse steps reads 0 or one step; the mean of
// those is the cost, their median is not).
func clockCost(now clock) int64 {
	d := make([]int64, 2000)
	for i := range d {
		start := now()
		d[i] = now() - start
	}
	slices.Sort(d)
	var sum int64
	mid := d[len(d)/10 : len(d)-len(d)/10]
	for _, v := range mid {
		sum += v
	}
	return sum / int64(len(mid))
}

// mixRounds is how many times each engine runs the whole mix after a
// warm-up round; the fastest round counts, so that load from other
// processes skews the ratio less.
const mixRounds = 5

// mixRun is one round of the mix on one engine.
type mixRun struct {
	ns     []int64 // each message's time, in mix order
	sha256 string  // of every output, each followed by a newline
}

func (r mixRun) total() int64 {
	var t int64
	for _, n := range r.ns {
		t += n
	}
	return t
}

// mixEngine runs the whole mix once per call.
type mixEngine interface {
	run() (mixRun, error)
	close()
}

// loadMix reads the vectors and returns their transcripts with each
// configuration decoded, the count of messages and the hash every engine
// must produce.
func loadMix(t *testing.T) ([]testvectors.Transcript, []core.Config, int, string) {
	files, err := testvectors.ReadDir("../../testvectors")
	require.NoError(t, err)
	mix, err := testvectors.Mix(files)
	require.NoError(t, err)
	cfgs := make([]core.Config, len(mix))
	h := sha256.New()
	n := 0
	for i, tr := range mix {
		cfgs[i], err = testvectors.DecodeConfig(tr.Config)
		require.NoError(t, err)
		for _, out := range tr.Outputs {
			h.Write(out)
			h.Write([]byte{'\n'})
		}
		n += len(tr.Inputs)
	}
	return mix, cfgs, n, hex.EncodeToString(h.Sum(nil))
}

// goMix times an engine in this process: init is not timed, each step is.
type goMix struct {
	now  clock
	cost int64 // of reading the clock, taken off every message
	mix  []testvectors.Transcript
	cfgs []core.Config
	init func(cfg core.Config, seed [32]byte) error
	step func(input []byte) ([]byte, error)
	stop func()
}

func (g *goMix) close() { g.stop() }

func (g *goMix) run() (mixRun, error) {
	// The thread CPU clock must stay on one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var r mixRun
	h := sha256.New()
	for i, tr := range g.mix {
		if err := g.init(g.cfgs[i], tr.Seed); err != nil {
			return r, err
		}
		for _, in := range tr.Inputs {
			start := g.now()
			out, err := g.step(in)
			r.ns = append(r.ns, g.now()-start-g.cost)
			if err != nil {
				return r, err
			}
			h.Write(out)
			h.Write([]byte{'\n'})
		}
	}
	r.sha256 = hex.EncodeToString(h.Sum(nil))
	return r, nil
}

// answerErr returns the error envelope an answer holds, as an error.
func answerErr(b []byte) error {
	if e := abi.ParseError(b); e != nil {
		return e
	}
	return nil
}

// nativeMix is the core compiled for this machine behind the same message
// layer as the module (abi.Instance): core.ParseInput, Step and
// core.AppendOutput.
func nativeMix(now clock, mix []testvectors.Transcript, cfgs []core.Config) *goMix {
	var in *abi.Instance
	return &goMix{now: now, cost: clockCost(now), mix: mix, cfgs: cfgs,
		init: func(cfg core.Config, seed [32]byte) error {
			in = &abi.Instance{}
			return answerErr(in.Init(abi.AppendInit(nil, cfg, seed)))
		},
		step: func(input []byte) ([]byte, error) {
			out := in.Step(input)
			return out, answerErr(out)
		},
		stop: func() {},
	}
}

// wazeroMix is the reactor module in one wazero instance, initialized
// again for each transcript: a step is the copy in, hassauth_step and the
// copy out.
func wazeroMix(t *testing.T, now clock, mix []testvectors.Transcript, cfgs []core.Config) *goMix {
	ctx := context.Background()
	path, err := wasm.ModulePath(ctx, wasm.Reactor)
	require.NoError(t, err)
	rt, err := wasm.LoadFile(ctx, path, wasm.Options{Workers: 1})
	require.NoError(t, err)
	e, err := rt.NewEngine(ctx, core.Config{}, [32]byte{})
	require.NoError(t, err)
	return &goMix{now: now, cost: clockCost(now), mix: mix, cfgs: cfgs,
		init: func(cfg core.Config, seed [32]byte) error { return e.Init(ctx, cfg, seed) },
		step: func(input []byte) ([]byte, error) { return e.StepWire(ctx, input) },
		stop: func() {
			e.Close(ctx)
			rt.Close(ctx)
		},
	}
}

// nodeMix is the reactor module in Node.js, timed inside Node by
// node/bench.mjs.
type nodeMix struct {
	cmd *exec.Cmd
	w   io.WriteCloser
	r   *bufio.Reader
	// warmups is how many rounds Node ran before the first measured one.
	warmups int
}

// startNodeMix writes the mix as JSON lines and starts node/bench.mjs on
// it.
func startNodeMix(t *testing.T, clockName string, mix []testvectors.Transcript, cfgs []core.Config) (*nodeMix, error) {
	node := os.Getenv("HASSAUTH_NODE")
	if node == "" {
		node = "node"
	}
	if _, err := exec.LookPath(node); err != nil {
		return nil, err
	}
	module, err := wasm.ModulePath(context.Background(), wasm.Reactor)
	if err != nil {
		return nil, err
	}
	var lines bytes.Buffer
	for i, tr := range mix {
		lines.WriteString(`{"init":`)
		lines.Write(abi.AppendInit(nil, cfgs[i], tr.Seed))
		lines.WriteString("}\n")
		for _, in := range tr.Inputs {
			lines.Write(in)
			lines.WriteByte('\n')
		}
	}
	mixFile := filepath.Join(t.TempDir(), "mix.jsonl")
	if err := os.WriteFile(mixFile, lines.Bytes(), 0o600); err != nil {
		return nil, err
	}
	script, err := filepath.Abs(filepath.Join("node", "bench.mjs"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(node, "--no-warnings", script, module, mixFile, clockName)
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &nodeMix{cmd: cmd, w: w, r: bufio.NewReaderSize(r, 1<<20)}, nil
}

func (n *nodeMix) run() (mixRun, error) {
	if _, err := io.WriteString(n.w, "run\n"); err != nil {
		return mixRun{}, err
	}
	line, err := n.r.ReadBytes('\n')
	if err != nil {
		return mixRun{}, fmt.Errorf("node: %w", err)
	}
	var res struct {
		NS      []int64 `json:"ns"`
		SHA256  string  `json:"sha256"`
		Warmups int     `json:"warmups"`
		Error   string  `json:"error"`
	}
	if err := json.Unmarshal(line, &res); err != nil || res.Error != "" {
		return mixRun{}, fmt.Errorf("node: %s", line)
	}
	n.warmups = res.Warmups
	return mixRun{ns: res.NS, sha256: res.SHA256}, nil
}

func (n *nodeMix) close() {
	n.w.Close()
	n.cmd.Wait()
}

// inputKind names an input for the detail report: its event, with the
// path of an HTTP request (login flow ids folded) or the op of a call.
func inputKind(in []byte) string {
	v, err := orjson.Parse(in)
	if err != nil || v.Kind != orjson.Object {
		return "?"
	}
	for _, m := range v.Obj {
		switch m.Key {
		case "now", "entropy":
			continue
		case "http":
			p, _ := m.Value.Get("path")
			path := p.Str
			if strings.HasPrefix(path, "/auth/login_flow/") {
				path = "/auth/login_flow/<id>"
			}
			return "http " + path
		case "call":
			op, _ := m.Value.Get("op")
			return "call " + op.Str
		}
		return m.Key
	}
	return "?"
}

// TestBudgetPerMessage prints the per-message budgets: the vector message
// mix through the native core, the module under wazero and under Node,
// round after round in turn, the fastest round of each engine counting.
func TestBudgetPerMessage(t *testing.T) {
	if !*budget {
		t.Skip("run with -budget (make bench)")
	}
	mix, cfgs, messages, want := loadMix(t)
	now, clockName := pickClock()
	names := []string{"native", "wazero", "node"}
	engines := map[string]mixEngine{"native": nativeMix(now, mix, cfgs), "wazero": wazeroMix(t, now, mix, cfgs)}
	nodeErr := error(nil)
	if n, err := startNodeMix(t, clockName, mix, cfgs); err == nil {
		engines["node"] = n
	} else {
		nodeErr = err
	}
	defer func() {
		for _, e := range engines {
			e.close()
		}
	}()
	best := map[string]mixRun{}
	for round := 0; round <= mixRounds; round++ {
		for _, name := range names {
			e, ok := engines[name]
			if !ok {
				continue
			}
			r, err := e.run()
			require.NoError(t, err, name)
			require.Len(t, r.ns, messages, name)
			require.Equal(t, want, r.sha256, "%s gave other outputs than the vectors", name)
			// Round 0 warms up (Node compiles the module lazily).
			if b, ok := best[name]; round > 0 && (!ok || r.total() < b.total()) {
				best[name] = r
			}
		}
	}
	native := best["native"]
	perMsg := func(r mixRun) float64 { return float64(r.total()) / float64(messages) / 1e3 }
	for _, b := range []struct {
		name  string
		limit float64
	}{{"wazero", 4}, {"node", 3}} {
		r, ok := best[b.name]
		if !ok {
			fmt.Printf("budget %s-per-message: not measured (limit %gx) missed [%v]\n", b.name, b.limit, nodeErr)
			continue
		}
		ratio := float64(r.total()) / float64(native.total())
		warm := ""
		if n, ok := engines[b.name].(*nodeMix); ok {
			warm = fmt.Sprintf(", after %d warm-up rounds", n.warmups)
		}
		fmt.Printf("budget %s-per-message: %.2fx native (limit %gx) %s [native %.2f µs/msg, %s %.2f µs/msg over %d messages, %s time%s]\n",
			b.name, ratio, b.limit, verdict(ratio <= b.limit), perMsg(native), b.name, perMsg(r), messages, clockName, warm)
	}
	printSplit(mix, best, names)
	if *budgetDetail {
		printDetail(mix, best, names)
	}
}

// printSplit reports the mix in two parts: the Loads made from each
// group's stored documents, which start a transcript, and the steps.
func printSplit(mix []testvectors.Transcript, best map[string]mixRun, names []string) {
	var loads, steps int
	sums := map[string]*[2]int64{}
	for name := range best {
		sums[name] = &[2]int64{}
	}
	i := 0
	for _, tr := range mix {
		for j := range tr.Inputs {
			part := 1
			if j == 0 && tr.GroupLoad {
				part = 0
			}
			for name, r := range best {
				sums[name][part] += r.ns[i]
			}
			if part == 0 {
				loads++
			} else {
				steps++
			}
			i++
		}
	}
	var b strings.Builder
	b.WriteString("report per-message-split:")
	for part, what := range []struct {
		name string
		n    int
	}{{"group loads", loads}, {"steps", steps}} {
		if part > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s %d msgs", what.name, what.n)
		for _, name := range names {
			s, ok := sums[name]
			if !ok {
				continue
			}
			fmt.Fprintf(&b, ", %s %.2f µs", name, float64(s[part])/float64(what.n)/1e3)
			if name != "native" {
				fmt.Fprintf(&b, " (%.2fx)", float64(s[part])/float64(sums["native"][part]))
			}
		}
	}
	fmt.Println(b.String())
}

// printDetail prints, per kind of input, its count and each engine's mean
// cost, the kinds that cost the native core most first.
func printDetail(mix []testvectors.Transcript, best map[string]mixRun, names []string) {
	type sums struct {
		n  int
		ns map[string]int64
	}
	kinds := map[string]*sums{}
	i := 0
	for _, tr := range mix {
		for _, in := range tr.Inputs {
			k := inputKind(in)
			s := kinds[k]
			if s == nil {
				s = &sums{ns: map[string]int64{}}
				kinds[k] = s
			}
			s.n++
			for name, r := range best {
				s.ns[name] += r.ns[i]
			}
			i++
		}
	}
	order := make([]string, 0, len(kinds))
	for k := range kinds {
		order = append(order, k)
	}
	sort.Slice(order, func(a, b int) bool { return kinds[order[a]].ns["native"] > kinds[order[b]].ns["native"] })
	for _, k := range order {
		s := kinds[k]
		var b strings.Builder
		fmt.Fprintf(&b, "report per-message %-28s %5d msgs", k, s.n)
		for _, name := range names {
			if _, ok := best[name]; !ok {
				continue
			}
			us := float64(s.ns[name]) / float64(s.n) / 1e3
			fmt.Fprintf(&b, "  %s %7.2f µs", name, us)
			if name != "native" {
				fmt.Fprintf(&b, " (%.1fx)", float64(s.ns[name])/float64(s.ns["native"]))
			}
		}
		fmt.Println(b.String())
	}
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "missed"
}
