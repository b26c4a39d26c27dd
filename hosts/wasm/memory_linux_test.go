package wasm

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tetratelabs/wazero/experimental"
)

const page = 64 << 10

// checkGrowth grows a memory page by page and checks what a module relies
// on: the length asked for, what was written kept, new bytes zero, and
// with bounded, nothing past the maximum (wazero checks the maximum before
// it asks, so the slice need not). It returns the base address of each
// step.
func checkGrowth(t *testing.T, m experimental.LinearMemory, max int, bounded bool) []unsafe.Pointer {
	t.Helper()
	var bases []unsafe.Pointer
	for n := 1; n*page <= max; n++ {
		b := m.Reallocate(uint64(n * page))
		require.Len(t, b, n*page)
		for i := 0; i < n-1; i++ {
			require.Equal(t, byte(i+1), b[i*page], "page %d kept", i)
			require.Equal(t, byte(i+1), b[i*page+page-1], "page %d kept", i)
		}
		require.Equal(t, make([]byte, page), b[(n-1)*page:], "a new page is zero")
		b[(n-1)*page], b[n*page-1] = byte(n), byte(n)
		bases = append(bases, unsafe.Pointer(unsafe.SliceData(b)))
	}
	if bounded {
		assert.Nil(t, m.Reallocate(uint64(max+page)), "beyond the maximum")
	}
	b := m.Reallocate(uint64(page))
	require.Len(t, b, page, "asking for less than there is")
	assert.Equal(t, byte(1), b[0])
	return bases
}

func TestReservedMemory(t *testing.T) {
	const max = 16 * page
	m := memoryAllocator().Allocate(0, max)
	require.IsType(t, &reservedMemory{}, m)
	bases := checkGrowth(t, m, max, true)
	for _, p := range bases[1:] {
		assert.Equal(t, bases[0], p, "growing never moves the memory")
	}
	m.Free()
	assert.Nil(t, m.Reallocate(page), "a freed memory has nothing")
	m.Free()
}

func TestSliceMemory(t *testing.T) {
	m := &sliceMemory{}
	checkGrowth(t, m, 16*page, false)
	m.Free()
}

// A maximum the reservation cannot describe gets the slice.
func TestMemoryAllocatorFallback(t *testing.T) {
	assert.IsType(t, &sliceMemory{}, memoryAllocator().Allocate(0, 1<<33))
	assert.IsType(t, &sliceMemory{}, memoryAllocator().Allocate(0, 0))
}
