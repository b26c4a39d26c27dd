//go:build !linux

package native

// lowerThreadPriority does nothing where threads cannot be reniced one by
// one.
func lowerThreadPriority() {}
