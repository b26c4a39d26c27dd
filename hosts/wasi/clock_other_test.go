//go:build !(linux || darwin)

package wasi_test

// threadCPU is not available here: the budget falls back to wall time.
func threadCPU() (int64, bool) { return 0, false }
