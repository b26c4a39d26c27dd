package password

import (
	"encoding/json"
	"os"
	"testing"
)

// The files read here are written by testdata/generate.py (see its
// docstring) with Debian's /usr/bin/python3 and python3-bcrypt; the tests
// never run Python.

type pythonMeta struct {
	Python  string `json:"python"`
	Unicode string `json:"unicode"`
	Bcrypt  string `json:"bcrypt"`
}

type bcryptVectors struct {
	pythonMeta
	Vectors []struct {
		Name     string `json:"name"`
		Password string `json:"password"`
		Hash     string `json:"hash"`
	} `json:"vectors"`
}

type whitespaceData struct {
	pythonMeta
	CodePoints []rune `json:"code_points"`
}

type casefoldData struct {
	pythonMeta
	// Each entry is [code point, chr(code point).casefold()].
	CodePoints [][2]json.RawMessage `json:"code_points"`
	Usernames  []struct {
		In  string `json:"in"`
		Out string `json:"out"`
	} `json:"usernames"`
}

func loadJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// pythonFolds returns Python's casefold for every code point it changes.
func pythonFolds(t testing.TB) (map[rune]string, pythonMeta) {
	t.Helper()
	var d casefoldData
	loadJSON(t, "casefold_python.json", &d)
	m := make(map[rune]string, len(d.CodePoints))
	for _, e := range d.CodePoints {
		var r rune
		var s string
		if err := json.Unmarshal(e[0], &r); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(e[1], &s); err != nil {
			t.Fatal(err)
		}
		m[r] = s
	}
	return m, d.pythonMeta
}
