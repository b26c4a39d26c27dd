package native_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// threadNices returns the niceness of every thread of this process.
func threadNices(t *testing.T) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/stat")
	require.NoError(t, err)
	var out []string
	for _, p := range tasks {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: nice is the 17th.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 16 {
			out = append(out, f[16])
		}
	}
	return out
}

// TestPasswordWorkersRunAtLowerPriority: bcrypt runs on threads reniced to
// 10, so that request handling comes first on a busy machine.
func TestPasswordWorkersRunAtLowerPriority(t *testing.T) {
	h, err := native.Open(native.Options{ConfigDir: t.TempDir(), Config: &core.Config{BcryptCost: 4}, NoLock: true})
	require.NoError(t, err)
	defer h.Close()
	_, err = h.Call(context.Background(), core.OpCreateUser, []byte(`{"username":"a","password":"b"}`))
	require.NoError(t, err)
	assert.Contains(t, threadNices(t), "10")
}
