package core

import "errors"

// errNoSnapshot is returned until snapshots are implemented.
var errNoSnapshot = errors.New("core: snapshots are not implemented yet")

// Snapshot returns the core's state, from which Restore rebuilds it.
func (c *Core) Snapshot() ([]byte, error) { return nil, errNoSnapshot }

// Restore rebuilds a core from a snapshot.
func Restore(cfg Config, snapshot []byte) (*Core, error) { return nil, errNoSnapshot }
