package testvectors_test

import (
	"os"
	"testing"

	"github.com/hassauth/hassauth/testvectors"
)

// TestMain lets the test binary serve the line protocol as a child
// process, standing in for the Node host.
func TestMain(m *testing.M) {
	if os.Getenv("HASSAUTH_VECTORS_CHILD") == "1" {
		if err := testvectors.ServeLines(testvectors.Native, os.Stdin, os.Stdout); err != nil {
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestProcessEngine runs every vector through a child process speaking the
// line protocol, and expects the native hash.
func TestProcessEngine(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("HASSAUTH_VECTORS_CHILD", "1")
	p, err := testvectors.StartProcess("child", exe)
	if err != nil {
		t.Fatal(err)
	}
	got, err := testvectors.Run(p, files)
	if cerr := p.Close(); cerr != nil {
		t.Errorf("close: %v", cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	want, err := testvectors.Run(testvectors.Native, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Mismatches) != 0 || got.SHA256 != want.SHA256 || got.Vectors != want.Vectors {
		t.Fatalf("child: %v (%d mismatches), native: %v", got, len(got.Mismatches), want)
	}
	if _, err := p.New([]byte(`{"nope":1}`), [32]byte{}); err == nil {
		t.Fatal("a closed engine answered")
	}
}
