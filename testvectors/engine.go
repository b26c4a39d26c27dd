package testvectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"runtime/debug"

	"github.com/hassauth/hassauth/core"
)

// Engine is an implementation of the core that the vectors can drive: the
// native Go core, the WebAssembly module under wazero, or under Node.
//
// Everything crosses the interface as the core's wire JSON, so that an
// engine is judged on the exact bytes it produces.
type Engine interface {
	// Name is what the runner prints for the engine ("native", "wazero").
	Name() string
	// New builds a fresh core from a configuration (EncodeConfig's JSON)
	// and a seed. Nothing is loaded: the first input the runner sends is
	// the group's Load, when it has one.
	New(config []byte, seed [32]byte) (Instance, error)
}

// Instance is one core built by an Engine. The runner calls it from one
// goroutine, one input at a time, and closes it after its test.
type Instance interface {
	// Step handles one input, given as wire JSON (core.AppendInput's
	// form), and returns the output's wire JSON (core.AppendOutput's
	// form). An error means the engine itself failed (a trap, a crash),
	// not that the core refused something.
	Step(input []byte) ([]byte, error)
	Close() error
}

// Stepper is the shape of an engine that works on Go values, such as the
// engines of hosts/native (without its context argument).
type Stepper interface {
	Step(in core.Input) (core.Output, error)
}

// FromStepper adapts an engine that works on Go values: inputs are parsed
// with core.ParseInput and outputs written with core.AppendOutput. Such an
// engine is compared on the outputs it decodes, so its own wire layer is
// not under test; prefer a wire-level Instance where one exists.
func FromStepper(name string, build func(cfg core.Config, seed [32]byte) (Stepper, error)) Engine {
	return &stepperEngine{name: name, build: build}
}

type stepperEngine struct {
	name  string
	build func(core.Config, [32]byte) (Stepper, error)
}

func (e *stepperEngine) Name() string { return e.name }

func (e *stepperEngine) New(config []byte, seed [32]byte) (Instance, error) {
	cfg, err := DecodeConfig(config)
	if err != nil {
		return nil, err
	}
	s, err := e.build(cfg, seed)
	if err != nil {
		return nil, err
	}
	return &stepperInstance{s: s}, nil
}

type stepperInstance struct{ s Stepper }

func (i *stepperInstance) Step(input []byte) ([]byte, error) {
	in, err := core.ParseInput(input)
	if err != nil {
		return nil, err
	}
	out, err := i.s.Step(in)
	if err != nil {
		return nil, err
	}
	return core.AppendOutput(nil, out), nil
}

func (i *stepperInstance) Close() error { return nil }

// Native is the engine that runs the core in this process.
var Native Engine = nativeEngine{}

type nativeEngine struct{}

func (nativeEngine) Name() string { return "native" }

func (nativeEngine) New(config []byte, seed [32]byte) (Instance, error) {
	cfg, err := DecodeConfig(config)
	if err != nil {
		return nil, err
	}
	c, err := core.New(cfg, seed)
	if err != nil {
		return nil, err
	}
	return &nativeInstance{c: c}, nil
}

type nativeInstance struct{ c *core.Core }

func (i *nativeInstance) Step(input []byte) (out []byte, err error) {
	in, err := core.ParseInput(input)
	if err != nil {
		return nil, err
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("core panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return core.AppendOutput(nil, i.c.Step(in)), nil
}

func (i *nativeInstance) Close() error { return nil }

// Mismatch is an output that differs from the vector's.
type Mismatch struct {
	Suite string
	TcID  int
	// Step is the index of the step, or -1 for the group's Load.
	Step      int
	Got, Want []byte
}

func (m *Mismatch) Error() string {
	where := fmt.Sprintf("step %d", m.Step)
	if m.Step < 0 {
		where = "load"
	}
	return fmt.Sprintf("%s tcId %d %s:\n got  %s\n want %s", m.Suite, m.TcID, where, m.Got, m.Want)
}

// Summary is what Run reports for an engine.
type Summary struct {
	Engine string
	// Vectors counts the tests run.
	Vectors int
	// SHA256 is the running hash of every output, in hex.
	SHA256 string
	// Mismatches lists the outputs that differed from the vectors.
	Mismatches []*Mismatch
}

// String is the line `make vectors` prints for the engine.
func (s Summary) String() string {
	return fmt.Sprintf("%s: %d vectors, sha256 %s", s.Engine, s.Vectors, s.SHA256)
}

// Run drives every test of files through eng and compares each output with
// the vector's, byte for byte. The running hash covers the outputs the
// engine produced, in file order, group order, test order and step order
// (each test's Load output first); each output is followed by a newline.
// Engines that agree with the vectors therefore print the same hash. An
// error is an engine failure, which stops the run.
func Run(eng Engine, files []*File) (Summary, error) {
	sum := Summary{Engine: eng.Name()}
	h := sha256.New()
	for _, f := range files {
		for gi := range f.TestGroups {
			g := &f.TestGroups[gi]
			for ti := range g.Tests {
				mm, err := RunTest(eng, f.Suite, g, &g.Tests[ti], h)
				if err != nil {
					return sum, err
				}
				sum.Vectors++
				sum.Mismatches = append(sum.Mismatches, mm...)
			}
		}
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}

// RunTest runs one test of group g through eng on a fresh instance, adding
// its outputs to h when h is not nil.
func RunTest(eng Engine, suite string, g *Group, t *Test, h hash.Hash) ([]*Mismatch, error) {
	seed, err := g.SeedBytes()
	if err != nil {
		return nil, err
	}
	inst, err := eng.New(g.Config, seed)
	if err != nil {
		return nil, fmt.Errorf("%s tcId %d: %s: %w", suite, t.TcID, eng.Name(), err)
	}
	defer inst.Close()
	var mms []*Mismatch
	check := func(step int, input, want []byte) error {
		got, err := inst.Step(input)
		if err != nil {
			return fmt.Errorf("%s tcId %d step %d: %s: %w", suite, t.TcID, step, eng.Name(), err)
		}
		if h != nil {
			h.Write(got)
			h.Write([]byte{'\n'})
		}
		if !bytes.Equal(got, want) {
			mms = append(mms, &Mismatch{Suite: suite, TcID: t.TcID, Step: step, Got: got, Want: want})
		}
		return nil
	}
	if load := g.LoadInput(); load != nil {
		if err := check(-1, load, g.LoadOutput); err != nil {
			return mms, err
		}
	}
	for si, s := range t.Steps {
		if err := check(si, s.Input, s.Output); err != nil {
			return mms, err
		}
	}
	return mms, nil
}
