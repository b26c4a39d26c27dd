package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The documents under testdata/auth are written in Home Assistant's layout
// (orjson, OPT_INDENT_2) or, for the legacy ones, in an older release's
// (json.dumps, indent 4, ASCII escapes). NAME.want.json, where present, is
// what loading NAME.json and saving it again must write; otherwise saving
// must give back NAME.json byte for byte.

func goldenPairs(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	pairs := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, ".want.json") {
			continue
		}
		want := strings.TrimSuffix(f, ".json") + ".want.json"
		if _, err := os.Stat(want); err != nil {
			want = f
		}
		pairs[f] = want
	}
	require.NotEmpty(t, pairs)
	return pairs
}

func TestAuthGolden(t *testing.T) {
	for in, want := range goldenPairs(t, "testdata/auth") {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			require.NoError(t, err)
			exp, err := os.ReadFile(want)
			require.NoError(t, err)
			a, _, err := DecodeAuth(src)
			require.NoError(t, err)
			assert.Equal(t, string(exp), string(EncodeAuth(a)))

			// What Home Assistant writes loads back to the same records
			// and writes the same bytes.
			b, notices, err := DecodeAuth(exp)
			require.NoError(t, err)
			assert.Empty(t, notices)
			assert.Equal(t, a, b)
			assert.Equal(t, string(exp), string(EncodeAuth(b)))
		})
	}
}
