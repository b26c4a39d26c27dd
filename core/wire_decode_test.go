package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// vectorInputs returns the wire JSON of every input in the conformance
// vectors, each group's Load included.
func vectorInputs(t testing.TB) [][]byte {
	inputs, _ := vectorMessages(t)
	return inputs
}

// vectorMessages returns the wire JSON of every input and every output in
// the conformance vectors, each group's Load and its output included.
func vectorMessages(t testing.TB) (inputs, outputs [][]byte) {
	t.Helper()
	paths, err := filepath.Glob("../testvectors/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_schema_v1.json") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			TestGroups []struct {
				Start int64 `json:"start"`
				Files []struct {
					Path string `json:"path"`
					Data string `json:"data"`
				} `json:"files"`
				Bans []struct {
					IP       string `json:"ip"`
					BannedAt string `json:"banned_at"`
				} `json:"bans"`
				LoadOutput json.RawMessage `json:"loadOutput"`
				Tests      []struct {
					Steps []struct {
						Input  json.RawMessage `json:"input"`
						Output json.RawMessage `json:"output"`
					} `json:"steps"`
				} `json:"tests"`
			} `json:"testGroups"`
		}
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, g := range f.TestGroups {
			if g.Files != nil {
				l := &Load{Files: []File{}}
				for _, file := range g.Files {
					l.Files = append(l.Files, File{Path: file.Path, Data: []byte(file.Data)})
				}
				for _, ban := range g.Bans {
					l.Bans = append(l.Bans, Ban{IP: ban.IP, BannedAt: ban.BannedAt})
				}
				inputs = append(inputs, AppendInput(nil, Input{Now: g.Start, Load: l}))
				outputs = append(outputs, g.LoadOutput)
			}
			for _, tc := range g.Tests {
				for _, s := range tc.Steps {
					inputs = append(inputs, s.Input)
					outputs = append(outputs, s.Output)
				}
			}
		}
	}
	return inputs, outputs
}

// BenchmarkParseInput reads every input of the vectors.
func BenchmarkParseInput(b *testing.B) {
	inputs := vectorInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			if _, err := ParseInput(in); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/input")
}

// BenchmarkAppendOutput writes every output of the vectors.
func BenchmarkAppendOutput(b *testing.B) {
	_, wire := vectorMessages(b)
	outputs := make([]Output, len(wire))
	for i, w := range wire {
		var err error
		if outputs[i], err = ParseOutput(w); err != nil {
			b.Fatal(err)
		}
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range outputs {
			buf = AppendOutput(buf[:0], o)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(outputs)), "ns/output")
}

// TestDecodeInputTakesTheVectors checks that the direct decoder reads
// every input of the vectors, except the few with bytes in base64, and
// reads each exactly as the tree does.
func TestDecodeInputTakesTheVectors(t *testing.T) {
	inputs := vectorInputs(t)
	slow := 0
	for _, b := range inputs {
		want, err := parseInputTree(b)
		if err != nil {
			t.Fatalf("the tree refuses a vector's input %s: %v", b, err)
		}
		got, ok := decodeInput(b)
		if !ok {
			if !strings.Contains(string(b), `{"base64":`) {
				t.Errorf("decodeInput gave up on %s", b)
			}
			slow++
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeInput read %s as\n%#v\nthe tree as\n%#v", b, got, want)
		}
	}
	if slow > len(inputs)/100 {
		t.Errorf("%d of %d inputs took the tree", slow, len(inputs))
	}
}

// TestDecodeInputGivesUp pins what the direct decoder leaves to the tree,
// with what the tree answers.
func TestDecodeInputGivesUp(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool // whether ParseInput accepts it
	}{
		{"repeated event member", `{"now":1,"http":{"id":1,"id":2,"method":"GET","path":"/"}}`, true},
		{"repeated event", `{"now":1,"tick":{},"tick":{}}`, true},
		{"repeated now", `{"now":1,"now":2,"tick":{}}`, true},
		{"base64 bytes", `{"now":1,"ws_message":{"conn":1,"data":{"base64":"/w=="},"binary":true}}`, true},
		{"bans that are not a list", `{"now":1,"load":{"files":[],"bans":"x"}}`, true},
		{"two events", `{"now":1,"tick":{},"ws_closed":{"conn":1}}`, false},
		{"no event", `{"now":1}`, false},
		{"id as a string", `{"now":1,"ws_closed":{"conn":"1"}}`, false},
		{"negative id", `{"now":1,"ws_closed":{"conn":-1}}`, false},
		{"fraction for now", `{"now":1.5,"tick":{}}`, false},
		{"now out of range", `{"now":9223372036854775808,"tick":{}}`, false},
		{"header of three", `{"now":1,"http":{"id":1,"method":"GET","path":"/","header":[["a","b","c"]]}}`, false},
		{"trailing data", `{"now":1,"tick":{}} x`, false},
		{"not an object", `[1]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := decodeInput([]byte(tc.in)); ok {
				t.Fatalf("decodeInput took %s", tc.in)
			}
			_, err := ParseInput([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("ParseInput(%s) error %v, want accepted %v", tc.in, err, tc.ok)
			}
		})
	}
}

// FuzzDecodeInput holds the direct decoder to the tree: whatever it takes,
// the tree takes too and reads the same.
func FuzzDecodeInput(f *testing.F) {
	for _, s := range []string{
		`{"now":1788256800000000,"http":{"id":3,"method":"POST","path":"/auth/token","header":[["content-type","application/x-www-form-urlencoded"]],"body":"grant_type=refresh_token&client_id=x","remote":"192.168.1.2:5000"}}`,
		`{"now":1,"entropy":"abc","load":{"files":[{"path":".storage/auth","data":"{\"version\":1}"}],"bans":[{"ip":"198.51.100.1","banned_at":"2026-01-01T00:00:00+00:00"}]}}`,
		`{"now":1,"ws_open":{"conn":7,"remote":"10.0.0.1","header":[["user-agent","x"]]}}`,
		`{"now":1,"ws_message":{"conn":7,"data":"{\"type\":\"auth\"}"}}`,
		`{"now":1,"ws_message":{"conn":7,"data":{"base64":"/w=="},"binary":true}}`,
		`{"now":1,"ws_closed":{"conn":7}}`,
		`{"now":1,"tick":{}}`,
		`{"now":1,"work_done":{"id":2,"match":true,"hash":"$2b$04$x"}}`,
		`{"now":1,"fetch_done":{"id":2,"status":200,"redirected":true,"body":"<html>","error":""}}`,
		`{"now":1,"run_done":{"id":2,"exit_code":1,"stdout":"name = x\n"}}`,
		`{"now":1,"notify_done":{"id":2,"error":"no service"}}`,
		`{"now":1,"call":{"id":1,"op":"create_user","args":{"username":"a","a":1,"a":[2]}}}`,
		`{"now":-9223372036854775808,"call":{"id":18446744073709551615,"op":"flush","args":null}}`,
		`{"now":1,"http":{"id":1,"id":2,"method":null,"path":"/","body":""}}`,
		`{"x":[{"y":null}],"now":1e3,"tick":7}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := decodeInput(b)
		if !ok {
			return
		}
		want, err := parseInputTree(b)
		if err != nil {
			t.Fatalf("decodeInput took %q, the tree refuses it: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeInput read %q as\n%#v\nthe tree as\n%#v", b, got, want)
		}
	})
}
