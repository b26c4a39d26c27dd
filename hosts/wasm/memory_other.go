//go:build !linux

package wasm

import "github.com/tetratelabs/wazero/experimental"

// memoryAllocator leaves linear memories to wazero's default outside
// Linux.
func memoryAllocator() experimental.MemoryAllocator { return nil }
