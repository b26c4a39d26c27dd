//go:build wasip1

// Command guest is hassauth's core as a WebAssembly reactor. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -trimpath -ldflags='-s -w' -o hassauth.wasm ./hosts/wasm/guest
//
// (make wasm does). The exports are documented in ../ABI.md.
package main

//lint:file-ignore U1000 the host calls these through //go:wasmexport

import (
	"unsafe"

	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

var (
	inst = &abi.Instance{Trap: trap}
	// in is the input buffer hassauth_alloc hands out; the host writes a
	// message there before each call.
	in []byte
)

// trap turns an injected fault into a real trap: with nothing else to
// run, blocking makes Go's runtime report a deadlock and execute
// unreachable.
func trap(any) {
	select {}
}

func main() {}

//go:wasmexport hassauth_abi_version
func abiVersion() int32 { return abi.Version }

//go:wasmexport hassauth_alloc
func alloc(n uint32) uint32 {
	if uint32(cap(in)) < n {
		in = make([]byte, n)
	}
	in = in[:n]
	if n == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(in))))
}

// message returns the n bytes the host wrote at ptr, which must be the
// buffer hassauth_alloc returned.
func message(ptr, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	if n > uint32(len(in)) || ptr != uint32(uintptr(unsafe.Pointer(unsafe.SliceData(in)))) {
		return nil, false
	}
	return in[:n], true
}

// pack returns ptr<<32|len of b, which stays valid until the next call.
func pack(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(unsafe.SliceData(b))))<<32 | uint64(len(b))
}

var badPointer = []byte(`{"error":{"code":"bad_request","message":"pass the buffer hassauth_alloc returned"}}`)

func with(ptr, n uint32, fn func([]byte) []byte) uint64 {
	msg, ok := message(ptr, n)
	if !ok {
		return pack(badPointer)
	}
	return pack(fn(msg))
}

//go:wasmexport hassauth_init
func initCore(ptr, n uint32) uint64 { return with(ptr, n, inst.Init) }

//go:wasmexport hassauth_step
func step(ptr, n uint32) uint64 { return with(ptr, n, inst.Step) }

//go:wasmexport hassauth_work
func work(ptr, n uint32) uint64 { return with(ptr, n, inst.Work) }

//go:wasmexport hassauth_snapshot
func snapshot() uint64 { return pack(inst.Snapshot()) }

//go:wasmexport hassauth_restore
func restore(ptr, n uint32) uint64 { return with(ptr, n, inst.Restore) }
