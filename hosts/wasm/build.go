package wasm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Build targets: the two ways hassauth is compiled to WebAssembly.
const (
	// Reactor is the module this package runs (./hosts/wasm/guest,
	// -buildmode=c-shared), also loaded by the Node.js host.
	Reactor = "reactor"
	// Command is the JSON-lines command (./hosts/wasi/lines), for any WASI
	// runtime.
	Command = "command"
)

var buildArgs = map[string][]string{
	Reactor: {"-buildmode=c-shared", "-trimpath", "-ldflags=-s -w", "./hosts/wasm/guest"},
	Command: {"-trimpath", "-ldflags=-s -w", "./hosts/wasi/lines"},
}

// Build compiles target with the Go toolchain into out. srcDir is the
// module's root directory.
func Build(ctx context.Context, srcDir, target, out string) error {
	args, ok := buildArgs[target]
	if !ok {
		return fmt.Errorf("wasm: unknown build target %q", target)
	}
	pkg := args[len(args)-1]
	cmd := exec.CommandContext(ctx, goTool(), append(append([]string{"build", "-o", out}, args[:len(args)-1]...), pkg)...)
	cmd.Dir = srcDir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("wasm: go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

var built sync.Map // target -> *buildResult

type buildResult struct {
	once sync.Once
	path string
	err  error
}

// EnvModule and EnvCommand name environment variables that point at
// modules built beforehand (make wasm sets them for the test run);
// ModulePath builds what they do not give.
const (
	EnvModule  = "HASSAUTH_WASM"
	EnvCommand = "HASSAUTH_WASI_COMMAND"
)

// ModulePath returns the path of a module for target built from the
// source tree that contains the working directory, building it when no
// up-to-date build exists. Builds are kept under the user's cache
// directory, named by a digest of the sources, so that tests in many
// packages share one build and never run a stale one. It is meant for
// tests and tools run from a checkout.
func ModulePath(ctx context.Context, target string) (string, error) {
	env := map[string]string{Reactor: EnvModule, Command: EnvCommand}[target]
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	v, _ := built.LoadOrStore(target, &buildResult{})
	r := v.(*buildResult)
	r.once.Do(func() { r.path, r.err = buildCached(ctx, target) })
	return r.path, r.err
}

func buildCached(ctx context.Context, target string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	digest, err := sourceDigest(root, target)
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "hassauth", "modules")
	path := filepath.Join(dir, target+"-"+digest[:24]+".wasm")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, target+"-*.tmp")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := Build(ctx, root, target, tmp.Name()); err != nil {
		return "", err
	}
	// Another process may have won the race; either file is the same build.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}

// moduleRoot finds the directory of go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/hassauth/hassauth\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("wasm: no hassauth source tree above the working directory; set %s", EnvModule)
		}
		dir = parent
	}
}

// sourceDigest hashes what a build depends on: the toolchain, the target
// and every non-test Go file, go.mod and go.sum of the source tree.
func sourceDigest(root, target string) (string, error) {
	h := sha256.New()
	io.WriteString(h, runtime.Version()+"\x00"+target+"\x00")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) && name != "go.mod" && name != "go.sum" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		io.WriteString(h, rel+"\x00")
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
