package wasm

// LiveInstances counts the instances of r not closed yet.
func LiveInstances(r *Runtime) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.live)
}
