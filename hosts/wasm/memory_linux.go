package wasm

import (
	"syscall"

	"github.com/tetratelabs/wazero/experimental"
)

// memoryAllocator gives each instance a linear memory that reserves its
// maximum as address space at once and makes pages usable as the module
// grows: growing never moves or copies the memory. wazero's default is a
// Go slice that is reallocated, copied and zeroed whenever memory.grow
// passes its capacity, which made opening a 100,000-token store take more
// than twice as long (make bench, auth-load-100k-wazero). The reservation
// costs address space only: pages take memory once the module touches
// them, as with any memory.
//
// When the reservation cannot be made (an address-space limit), the
// instance gets the reallocating slice instead. The linear memory is not
// Go heap: runtime.MemStats and GOMEMLIMIT do not count it (cap it with
// Options.MemoryLimitPages).
func memoryAllocator() experimental.MemoryAllocator {
	return experimental.MemoryAllocatorFunc(func(capacity, max uint64) experimental.LinearMemory {
		if max > 0 && max <= 1<<32 && capacity <= max {
			b, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
			if err == nil {
				m := &reservedMemory{reserved: b}
				// wazero cannot take a failure of the first allocation:
				// the initial pages are made usable here, or the slice
				// is used.
				if m.Reallocate(capacity) != nil {
					return m
				}
				m.Free()
			}
		}
		return &sliceMemory{}
	})
}

// reservedMemory is a linear memory inside one address-space reservation.
type reservedMemory struct {
	reserved []byte
	// usable is how many bytes from the start are readable and writable.
	usable int
}

// Reallocate makes the first size bytes usable and returns them; nil when
// size is beyond the reservation or the system refuses the pages.
func (m *reservedMemory) Reallocate(size uint64) []byte {
	if m.reserved == nil || size > uint64(len(m.reserved)) {
		return nil
	}
	n := int(size)
	if n > m.usable {
		// Wasm pages are 64 KiB, so usable stays aligned to system pages.
		if err := syscall.Mprotect(m.reserved[m.usable:n], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.usable = n
	}
	return m.reserved[:n:n]
}

// Free gives the reservation back.
func (m *reservedMemory) Free() {
	if m.reserved != nil {
		syscall.Munmap(m.reserved)
		m.reserved, m.usable = nil, 0
	}
}

// sliceMemory is a linear memory in a Go slice that is reallocated as it
// grows, as wazero's own default does.
type sliceMemory struct{ buf []byte }

// Reallocate returns the first size bytes, growing the slice when needed.
func (m *sliceMemory) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		m.buf = append(m.buf[:cap(m.buf)], make([]byte, int(size)-cap(m.buf))...)
	}
	m.buf = m.buf[:size]
	return m.buf
}

// Free drops the slice.
func (m *sliceMemory) Free() { m.buf = nil }
