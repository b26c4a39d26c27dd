package testvectors

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// SchemaName is the value of every vector file's "schema" member: the
// name of the JSON Schema file that describes it.
const SchemaName = "vectors_schema_v1.json"

// The results a test can have, as in Wycheproof.
const (
	// ResultValid: the client's request is accepted.
	ResultValid = "valid"
	// ResultInvalid: the request is refused, and the test shows how.
	ResultInvalid = "invalid"
	// ResultAcceptable: legal but discouraged, or a choice hassauth makes
	// where Home Assistant's behaviour is undefined or unbounded.
	ResultAcceptable = "acceptable"
)

// File is one vector file: a suite of tests.
type File struct {
	// Schema is SchemaName.
	Schema string `json:"schema"`
	// Suite names the file (testvectors/<suite>.json).
	Suite string `json:"suite"`
	// NumberOfTests counts the tests of every group.
	NumberOfTests int `json:"numberOfTests"`
	// Header says in a few lines what the suite covers.
	Header []string `json:"header"`
	// Notes explains each flag used by the tests.
	Notes map[string]Note `json:"notes"`
	// TestGroups share a configuration, seed and stored documents.
	TestGroups []Group `json:"testGroups"`
}

// Note explains a flag: the kind of bug a test with it guards against.
type Note struct {
	BugType     string `json:"bugType"`
	Description string `json:"description"`
}

// Group is a set of tests that start from the same state.
type Group struct {
	// Comment says what the group's configuration or documents are for.
	Comment string `json:"comment,omitempty"`
	// Config is the core's configuration (EncodeConfig's JSON).
	Config json.RawMessage `json:"config"`
	// Seed is the 32-byte random seed, in hex.
	Seed string `json:"seed"`
	// Start is the time, Unix microseconds, of the Load input built from
	// Files and Bans.
	Start int64 `json:"start"`
	// Files are the stored documents the core is loaded with. When nil,
	// no Load is made: the tests begin with an unloaded core.
	Files []StoredFile `json:"files"`
	// Bans are the addresses of ip_bans.yaml given with the Load.
	Bans []StoredBan `json:"bans,omitempty"`
	// LoadOutput is the wire JSON output of that Load.
	LoadOutput json.RawMessage `json:"loadOutput,omitempty"`
	Tests      []Test          `json:"tests"`
}

// StoredFile is one stored document given with the Load.
type StoredFile struct {
	Path string `json:"path"`
	Data string `json:"data"`
}

// StoredBan is one banned address given with the Load.
type StoredBan struct {
	IP       string `json:"ip"`
	BannedAt string `json:"banned_at,omitempty"`
}

// Test is one transcript.
type Test struct {
	// TcID is the test's stable number within its file.
	TcID int `json:"tcId"`
	// Comment names the case (with its scenario id, when it has one).
	Comment string `json:"comment"`
	// Flags are keys of the file's Notes.
	Flags []string `json:"flags"`
	// Spec is the section of the behaviour specification the test pins.
	Spec string `json:"spec"`
	// Expect is what the test shows, for a reader; the scenario asserts it
	// on its own before the transcript is recorded.
	Expect string `json:"expect"`
	// Steps are the transcript.
	Steps []Step `json:"steps"`
	// Result is ResultValid, ResultInvalid or ResultAcceptable.
	Result string `json:"result"`
}

// Step is one input and the output the core must give for it.
type Step struct {
	// Now repeats the input's clock, for readers.
	Now    int64           `json:"now"`
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

// SeedBytes decodes the group's seed.
func (g *Group) SeedBytes() ([32]byte, error) {
	var seed [32]byte
	b, err := hex.DecodeString(g.Seed)
	if err != nil || len(b) != len(seed) {
		return seed, fmt.Errorf("seed must be 64 hex digits, got %q", g.Seed)
	}
	copy(seed[:], b)
	return seed, nil
}

// LoadInput is the wire JSON of the group's Load, or nil when the group
// starts unloaded.
func (g *Group) LoadInput() []byte {
	if g.Files == nil {
		return nil
	}
	l := &core.Load{Files: []core.File{}}
	for _, f := range g.Files {
		l.Files = append(l.Files, core.File{Path: f.Path, Data: []byte(f.Data)})
	}
	for _, b := range g.Bans {
		l.Bans = append(l.Bans, core.Ban{IP: b.IP, BannedAt: b.BannedAt})
	}
	return core.AppendInput(nil, core.Input{Now: g.Start, Load: l})
}

// Read parses a vector file and checks what the schema cannot: counts,
// flags with notes, ids, and that every step's "now" is its input's.
func Read(b []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if f.Schema != SchemaName {
		return nil, fmt.Errorf("schema is %q, want %q", f.Schema, SchemaName)
	}
	n := 0
	ids := map[int]bool{}
	for gi := range f.TestGroups {
		g := &f.TestGroups[gi]
		if _, err := g.SeedBytes(); err != nil {
			return nil, fmt.Errorf("group %d: %v", gi, err)
		}
		if _, err := DecodeConfig(g.Config); err != nil {
			return nil, fmt.Errorf("group %d: config: %v", gi, err)
		}
		if (g.Files == nil) != (g.LoadOutput == nil) {
			return nil, fmt.Errorf("group %d: loadOutput must be given exactly when files are", gi)
		}
		if g.LoadOutput != nil {
			if _, err := core.ParseOutput(g.LoadOutput); err != nil {
				return nil, fmt.Errorf("group %d: loadOutput: %v", gi, err)
			}
		}
		for ti := range g.Tests {
			t := &g.Tests[ti]
			n++
			if ids[t.TcID] || t.TcID < 1 {
				return nil, fmt.Errorf("tcId %d: duplicate or not positive", t.TcID)
			}
			ids[t.TcID] = true
			for _, fl := range t.Flags {
				if _, ok := f.Notes[fl]; !ok {
					return nil, fmt.Errorf("tcId %d: flag %q has no note", t.TcID, fl)
				}
			}
			switch t.Result {
			case ResultValid, ResultInvalid, ResultAcceptable:
			default:
				return nil, fmt.Errorf("tcId %d: result %q", t.TcID, t.Result)
			}
			if len(t.Steps) == 0 {
				return nil, fmt.Errorf("tcId %d: no steps", t.TcID)
			}
			for si, s := range t.Steps {
				in, err := core.ParseInput(s.Input)
				if err != nil {
					return nil, fmt.Errorf("tcId %d step %d: %v", t.TcID, si, err)
				}
				if in.Now != s.Now {
					return nil, fmt.Errorf("tcId %d step %d: now %d differs from the input's %d", t.TcID, si, s.Now, in.Now)
				}
				if _, err := core.ParseOutput(s.Output); err != nil {
					return nil, fmt.Errorf("tcId %d step %d: output: %v", t.TcID, si, err)
				}
			}
		}
	}
	if n != f.NumberOfTests {
		return nil, fmt.Errorf("numberOfTests is %d, the groups hold %d", f.NumberOfTests, n)
	}
	return &f, nil
}

// ReadDir reads every *.json vector file of dir except the schema, in
// name order.
func ReadDir(dir string) ([]*File, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*File
	for _, name := range names {
		if filepath.Base(name) == SchemaName {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f, err := Read(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, errors.New("no vector files in " + dir)
	}
	return out, nil
}

// Encode writes a vector file in its one canonical layout: two-space
// indentation for the envelope, while configurations, inputs and outputs
// stay on one line, exactly as the core's wire JSON has them, so that a
// reader and a diff see one step per line pair and the bytes to compare are
// the bytes in the file.
func Encode(f *File) []byte {
	w := &writer{}
	w.open('{')
	w.key("schema")
	w.str(f.Schema)
	w.key("suite")
	w.str(f.Suite)
	w.key("numberOfTests")
	w.int(int64(f.NumberOfTests))
	w.key("header")
	w.open('[')
	for _, h := range f.Header {
		w.item()
		w.str(h)
	}
	w.close(']')
	w.key("notes")
	w.open('{')
	flags := make([]string, 0, len(f.Notes))
	for k := range f.Notes {
		flags = append(flags, k)
	}
	sort.Strings(flags)
	for _, k := range flags {
		w.key(k)
		w.open('{')
		w.key("bugType")
		w.str(f.Notes[k].BugType)
		w.key("description")
		w.str(f.Notes[k].Description)
		w.close('}')
	}
	w.close('}')
	w.key("testGroups")
	w.open('[')
	for gi := range f.TestGroups {
		g := &f.TestGroups[gi]
		w.item()
		w.open('{')
		if g.Comment != "" {
			w.key("comment")
			w.str(g.Comment)
		}
		w.key("config")
		w.raw(g.Config)
		w.key("seed")
		w.str(g.Seed)
		w.key("start")
		w.int(g.Start)
		w.key("files")
		if g.Files == nil {
			w.raw([]byte("null"))
		} else {
			w.open('[')
			for _, sf := range g.Files {
				w.item()
				w.open('{')
				w.key("path")
				w.str(sf.Path)
				w.key("data")
				w.str(sf.Data)
				w.close('}')
			}
			w.close(']')
		}
		if len(g.Bans) > 0 {
			w.key("bans")
			w.open('[')
			for _, b := range g.Bans {
				w.item()
				w.open('{')
				w.key("ip")
				w.str(b.IP)
				if b.BannedAt != "" {
					w.key("banned_at")
					w.str(b.BannedAt)
				}
				w.close('}')
			}
			w.close(']')
		}
		if g.LoadOutput != nil {
			w.key("loadOutput")
			w.raw(g.LoadOutput)
		}
		w.key("tests")
		w.open('[')
		for ti := range g.Tests {
			t := &g.Tests[ti]
			w.item()
			w.open('{')
			w.key("tcId")
			w.int(int64(t.TcID))
			w.key("comment")
			w.str(t.Comment)
			w.key("flags")
			// Flags stay on one line: they are short and read as a set.
			w.b = append(w.b, '[')
			for i, fl := range t.Flags {
				if i > 0 {
					w.b = append(w.b, ", "...)
				}
				w.str(fl)
			}
			w.b = append(w.b, ']')
			w.key("spec")
			w.str(t.Spec)
			w.key("expect")
			w.str(t.Expect)
			w.key("steps")
			w.open('[')
			for _, s := range t.Steps {
				w.item()
				w.open('{')
				w.key("now")
				w.int(s.Now)
				w.key("input")
				w.raw(s.Input)
				w.key("output")
				w.raw(s.Output)
				w.close('}')
			}
			w.close(']')
			w.key("result")
			w.str(t.Result)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')
	w.close('}')
	w.b = append(w.b, '\n')
	return w.b
}

// writer lays out the envelope. Only the envelope is indented; raw values
// are copied as they are.
type writer struct {
	b     []byte
	depth int
	// first is true when nothing was written in the open container yet.
	first bool
}

func (w *writer) newline() {
	w.b = append(w.b, '\n')
	w.b = append(w.b, strings.Repeat("  ", w.depth)...)
}

func (w *writer) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.first = true
}

func (w *writer) close(c byte) {
	w.depth--
	if !w.first {
		w.newline()
	}
	w.b = append(w.b, c)
	w.first = false
}

// item starts an array element.
func (w *writer) item() {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.newline()
}

func (w *writer) key(k string) {
	w.item()
	w.str(k)
	w.b = append(w.b, ": "...)
}

func (w *writer) int(v int64) { w.b = strconv.AppendInt(w.b, v, 10) }

func (w *writer) raw(v []byte) { w.b = append(w.b, v...) }

// str writes a JSON string without HTML escaping, as the core does.
func (w *writer) str(s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	w.b = append(w.b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}
