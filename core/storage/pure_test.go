package storage

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPackageIsPure keeps I/O, clocks, randomness and concurrency out of the
// package's own code (tests may read their testdata).
func TestPackageIsPure(t *testing.T) {
	forbidden := map[string]bool{"os": true, "net": true, "net/http": true, "crypto/rand": true, "syscall": true,
		"io/fs": true, "path/filepath": true, "sync": true, "time": true, "math/rand": true, "math/rand/v2": true,
		"encoding/json": true, "fmt": true, "regexp": true, "unsafe": true, "reflect": true}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if forbidden[path] {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
