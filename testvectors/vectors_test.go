package testvectors_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors"
	"github.com/hassauth/hassauth/testvectors/internal/scenario"
)

// minVectors is the least number of vectors the files must hold.
const minVectors = 500

// TestScenarios runs every scenario with its assertions, as subtests named
// suite/tcId/case, and checks that the files on disk are exactly what the
// scenarios record now: a behaviour change must come with regenerated
// vectors (go generate ./testvectors).
func TestScenarios(t *testing.T) {
	for _, suite := range scenario.Suites() {
		t.Run(suite.Name, func(t *testing.T) {
			f, ok := scenario.Build(suite, tRunner(t))
			if !ok {
				t.Fatal("a scenario failed; nothing to compare")
			}
			got := testvectors.Encode(f)
			built[suite.Name] = got
			want, err := os.ReadFile(suite.Name + ".json")
			if err != nil {
				t.Fatalf("%v (run go generate ./testvectors)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s.json is out of date: run go generate ./testvectors", suite.Name)
			}
		})
	}
}

// built keeps TestScenarios' encoded files for the determinism check.
var built = map[string][]byte{}

func tRunner(t *testing.T) scenario.Runner {
	return func(name string, body func(scenario.Reporter)) bool {
		return t.Run(name, func(t *testing.T) { body(t) })
	}
}

// TestRegenerationIsDeterministic builds every suite again from scratch
// and requires the bytes of TestScenarios' build (or of a first build of
// its own): fixed seeds and a fixed clock leave nothing to chance, and no
// map order may leak into a vector.
func TestRegenerationIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every suite again")
	}
	for _, suite := range scenario.Suites() {
		first, ok := built[suite.Name]
		if !ok {
			f, ok := scenario.Build(suite, tRunner(t))
			if !ok {
				t.Fatalf("%s: a scenario failed", suite.Name)
			}
			first = testvectors.Encode(f)
		}
		again, ok := scenario.Build(suite, tRunner(t))
		if !ok {
			t.Fatalf("%s: a scenario failed", suite.Name)
		}
		if !bytes.Equal(testvectors.Encode(again), first) {
			t.Errorf("%s: two builds differ", suite.Name)
		}
	}
}

// TestVectorsNative runs every vector file through the native engine, byte
// for byte, as `make vectors` does for every engine.
func TestVectorsNative(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := testvectors.Run(testvectors.Native, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sum.Mismatches {
		t.Error(m)
	}
	if sum.Vectors < minVectors {
		t.Errorf("%d vectors, want at least %d", sum.Vectors, minVectors)
	}
	t.Log(sum)
}

// TestRunReportsMismatch makes sure the runner can fail: an engine that
// changes one byte of one output is caught, and its hash differs.
func TestRunReportsMismatch(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	files = files[:1]
	good, err := testvectors.Run(testvectors.Native, files)
	if err != nil || len(good.Mismatches) != 0 {
		t.Fatalf("native: %v %v", err, good.Mismatches)
	}
	bad, err := testvectors.Run(&skewEngine{}, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(bad.Mismatches) == 0 {
		t.Fatal("a changed output went unnoticed")
	}
	if bad.SHA256 == good.SHA256 {
		t.Fatal("a changed output left the hash as it was")
	}
	if bad.Vectors != good.Vectors {
		t.Fatalf("counts differ: %d, %d", bad.Vectors, good.Vectors)
	}
}

// skewEngine is the native engine with the deadline of one output moved by
// a microsecond.
type skewEngine struct{ done bool }

func (e *skewEngine) Name() string { return "skew" }

func (e *skewEngine) New(config []byte, seed [32]byte) (testvectors.Instance, error) {
	inst, err := testvectors.Native.New(config, seed)
	return &skewInstance{Instance: inst, e: e}, err
}

type skewInstance struct {
	testvectors.Instance
	e *skewEngine
}

func (i *skewInstance) Step(in []byte) ([]byte, error) {
	out, err := i.Instance.Step(in)
	if err != nil || i.e.done {
		return out, err
	}
	o, err := core.ParseOutput(out)
	if err != nil {
		return nil, err
	}
	i.e.done = true
	o.Deadline++
	return core.AppendOutput(nil, o), nil
}

// TestRunStopsOnEngineError: an engine failure is an error, not a
// mismatch.
func TestRunStopsOnEngineError(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	_, err = testvectors.Run(failEngine{}, files[:1])
	if !errors.Is(err, errTrap) {
		t.Fatalf("got %v, want the engine's error", err)
	}
}

var errTrap = errors.New("trap")

type failEngine struct{}

func (failEngine) Name() string { return "fail" }

func (failEngine) New([]byte, [32]byte) (testvectors.Instance, error) { return failInstance{}, nil }

type failInstance struct{}

func (failInstance) Step([]byte) ([]byte, error) { return nil, errTrap }
func (failInstance) Close() error                { return nil }

// TestFromStepper: an engine on Go values passes the vectors through the
// adapter.
func TestFromStepper(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	eng := testvectors.FromStepper("values", func(cfg core.Config, seed [32]byte) (testvectors.Stepper, error) {
		c, err := core.New(cfg, seed)
		return coreStepper{c}, err
	})
	sum, err := testvectors.Run(eng, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Mismatches) != 0 {
		t.Fatal(sum.Mismatches[0])
	}
}

type coreStepper struct{ c *core.Core }

func (s coreStepper) Step(in core.Input) (core.Output, error) { return s.c.Step(in), nil }

// TestSchemaFileIsListed: the JSON Schema named by every file exists and is
// JSON.
func TestSchemaFileIsListed(t *testing.T) {
	b, err := os.ReadFile(testvectors.SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testvectors.Read(b); err == nil {
		t.Fatal("the schema must not read as a vector file")
	}
	names, _ := filepath.Glob("*.json")
	if len(names) < 2 {
		t.Fatalf("found %v", names)
	}
}
