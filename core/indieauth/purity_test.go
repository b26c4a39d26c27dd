package indieauth

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TestImportsArePure fails if the package itself imports anything that could
// reach the outside world, a clock or randomness.
func TestImportsArePure(t *testing.T) {
	banned := map[string]bool{
		"os": true, "net": true, "net/http": true, "crypto/rand": true, "syscall": true,
		"io/fs": true, "path/filepath": true, "time": true, "sync": true, "math/rand": true,
		"math/rand/v2": true, "os/exec": true, "unsafe": true, "log": true, "fmt": true,
		"encoding/json": true, "regexp": true, "net/url": true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name == "main" {
			continue // a go generate program, not part of the package
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if banned[path] {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

// TestNFKCDelimiters checks the hand-kept list of code points that NFKC
// turns into a URL delimiter against a normaliser.
func TestNFKCDelimiters(t *testing.T) {
	listed := map[rune]bool{}
	for _, r := range nfkcDelimiters {
		listed[r] = true
	}
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if 0xd800 <= r && r <= 0xdfff {
			continue
		}
		got := strings.ContainsAny(norm.NFKC.String(string(r)), "/?#@:")
		if got != listed[r] {
			t.Errorf("U+%04X: NFKC gives a delimiter: %v, listed: %v", r, got, listed[r])
		}
	}
}
