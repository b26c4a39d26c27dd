package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors"
)

// Case is one scenario: what it pins (Spec, Expect, Flags, Result) and a
// script that drives the core and asserts the expectation as it goes. The
// transcript is recorded only when every assertion held.
type Case struct {
	// Name is the test's comment: a scenario id when it has one, then what
	// happens.
	Name   string
	Spec   string
	Expect string
	Flags  []string
	Result string
	Run    func(s *Session)
	// KnownDiff, when set, says how the core still differs from Home
	// Assistant here. The case must then fail, and nothing is recorded;
	// when the core is fixed the case passes, the build fails, and the
	// field is removed. The tcId stays reserved meanwhile.
	KnownDiff string
}

// Group is a set of cases that start from the same configuration, seed
// and stored documents.
type Group struct {
	Comment string
	Config  core.Config
	// Seed is a label; the seed is its SHA-256.
	Seed string
	// Fixture is nil for a core that is not loaded.
	Fixture *Fixture
	// Files replaces the fixture's documents when set.
	Files []core.File
	Bans  []core.Ban
	Cases []Case
}

// Suite is one vector file.
type Suite struct {
	Name   string
	Header []string
	Groups []Group
}

// Runner runs a case's body under a name with a Reporter, and reports
// whether every assertion held. Tests use t.Run; the generator its own.
type Runner func(name string, body func(r Reporter)) bool

// baseConfig is what every group starts from: cheap bcrypt so that the
// vectors are fast to make.
func baseConfig() core.Config { return core.Config{BcryptCost: 4} }

// Build runs every case of suite and returns its vector file, or ok false
// when a case failed (the Runner has said why).
func Build(suite *Suite, run Runner) (f *testvectors.File, ok bool) {
	f = &testvectors.File{
		Schema: testvectors.SchemaName,
		Suite:  suite.Name,
		Header: suite.Header,
		Notes:  map[string]testvectors.Note{},
	}
	ok = true
	tc := 0
	for gi := range suite.Groups {
		g := &suite.Groups[gi]
		seedSum := sha256.Sum256([]byte(g.Seed))
		tg := testvectors.Group{
			Comment: g.Comment,
			Config:  testvectors.EncodeConfig(g.Config),
			Seed:    hex.EncodeToString(seedSum[:]),
			Start:   T0,
		}
		if g.Fixture != nil || g.Files != nil {
			files := g.Files
			if files == nil {
				files = g.Fixture.Files()
			}
			tg.Files = []testvectors.StoredFile{}
			for _, sf := range files {
				tg.Files = append(tg.Files, testvectors.StoredFile{Path: sf.Path, Data: string(sf.Data)})
			}
			for _, b := range g.Bans {
				tg.Bans = append(tg.Bans, testvectors.StoredBan{IP: b.IP, BannedAt: b.BannedAt})
			}
		}
		for ci := range g.Cases {
			c := &g.Cases[ci]
			tc++
			var steps []testvectors.Step
			var loadOut []byte
			name := strconv.Itoa(tc) + "/" + c.Name
			if c.KnownDiff != "" {
				if tryCase(&tg, c) {
					ok = false
					run(name, func(r Reporter) {
						r.Helper()
						r.Fatalf("the known difference is gone (%s): remove KnownDiff and regenerate", c.KnownDiff)
					})
				} else {
					f.Header = append(f.Header, "tcId "+strconv.Itoa(tc)+" is not recorded until the core meets its expectation: "+c.KnownDiff)
				}
				continue
			}
			passed := run(name, func(r Reporter) {
				r.Helper()
				s, lo := start(r, &tg)
				c.Run(s)
				if len(s.steps) == 0 {
					r.Fatalf("the case sent nothing")
				}
				steps, loadOut = s.steps, lo
			})
			if !passed {
				ok = false
				continue
			}
			if tg.LoadOutput == nil {
				tg.LoadOutput = loadOut
			} else if !bytes.Equal(tg.LoadOutput, loadOut) {
				panic("scenario: the same Load gave two outputs: the core is not deterministic")
			}
			for _, fl := range c.Flags {
				n, known := Notes[fl]
				if !known {
					panic("scenario: flag " + fl + " has no note")
				}
				f.Notes[fl] = n
			}
			flags := append([]string{}, c.Flags...)
			sort.Strings(flags)
			tg.Tests = append(tg.Tests, testvectors.Test{
				TcID: tc, Comment: c.Name, Flags: flags, Spec: c.Spec, Expect: c.Expect,
				Steps: steps, Result: c.Result,
			})
		}
		f.NumberOfTests += len(tg.Tests)
		f.TestGroups = append(f.TestGroups, tg)
	}
	return f, ok
}

// start builds a session on a fresh native core and loads the group's
// documents.
func start(r Reporter, g *testvectors.Group) (*Session, []byte) {
	r.Helper()
	seed, err := g.SeedBytes()
	if err != nil {
		r.Fatalf("%v", err)
	}
	inst, err := testvectors.Native.New(g.Config, seed)
	if err != nil {
		r.Fatalf("building the core: %v", err)
	}
	s := &Session{r: r, inst: inst, Now: g.Start, Remote: LocalIP + ":50000"}
	var loadOut []byte
	if in := g.LoadInput(); in != nil {
		out, err := inst.Step(in)
		if err != nil {
			r.Fatalf("load: %v", err)
		}
		o, err := core.ParseOutput(out)
		if err != nil {
			r.Fatalf("load output: %v", err)
		}
		for _, e := range o.Effects {
			if e.Fatal != nil {
				r.Fatalf("the fixture does not load: %s: %s", e.Fatal.Path, e.Fatal.Message)
			}
		}
		s.Deadline = o.Deadline
		loadOut = out
	}
	return s, loadOut
}

// tryCase runs a case whose failure is expected and reports whether it
// passed.
func tryCase(g *testvectors.Group, c *Case) (passed bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, is := v.(caseFailed); !is {
				panic(v)
			}
			passed = false
		}
	}()
	s, _ := start(quietReporter{}, g)
	c.Run(s)
	return true
}

type caseFailed struct{}

// quietReporter stops a case at its first failed assertion, silently.
type quietReporter struct{}

func (quietReporter) Helper() {}

func (quietReporter) Fatalf(string, ...any) { panic(caseFailed{}) }
