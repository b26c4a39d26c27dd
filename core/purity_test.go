package core_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// forbiddenImports are packages that reach the outside world or run
// concurrently. The core gets time and randomness as inputs instead.
var forbiddenImports = map[string]string{
	"os":            "files and the environment",
	"os/exec":       "processes",
	"os/signal":     "signals",
	"net":           "sockets",
	"net/http":      "sockets",
	"crypto/rand":   "the system's randomness",
	"math/rand":     "a global random source",
	"syscall":       "the system",
	"io/fs":         "files",
	"io/ioutil":     "files",
	"path/filepath": "the file system's paths",
	"sync":          "concurrency",
	"sync/atomic":   "concurrency",
	"runtime":       "the runtime",
	"unsafe":        "memory",
	"log":           "global logging",
	"log/slog":      "global logging",
	"time":          "the clock (time is an input: Unix microseconds)",
}

// clockFuncs are the time package's functions that read the clock or
// start timers.
var clockFuncs = map[string]bool{
	"Now": true, "Since": true, "Until": true, "After": true, "AfterFunc": true,
	"Tick": true, "NewTimer": true, "NewTicker": true, "Sleep": true,
}

// TestCoreIsPure fails if any non-test file under core/ imports a package
// that reaches the outside world, reads the clock or starts a goroutine.
func TestCoreIsPure(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if why, bad := forbiddenImports[p]; bad {
				t.Errorf("%s imports %q, which reaches %s", path, p, why)
			}
		}
		full, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(full, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: starts a goroutine", fset.Position(n.Pos()))
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "time" && clockFuncs[n.Sel.Name] {
					t.Errorf("%s: calls time.%s", fset.Position(n.Pos()), n.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked only %d files: is the test running from core/?", checked)
	}
}
