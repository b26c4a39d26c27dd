package core

import (
	"github.com/hassauth/hassauth/core/password"
)

// DoWork computes a Work effect. It is pure and may run on any thread, in
// any instance of the core (a host keeps bcrypt off the thread that steps
// the core).
func DoWork(w Work) WorkResult {
	r := WorkResult{ID: w.ID}
	switch w.Kind {
	case WorkCheckPassword:
		r.Match = password.Check(w.Password, w.Hash)
	case WorkHashPassword:
		if len(w.Salt) != 16 || w.Cost < password.MinCost || w.Cost > password.MaxCost {
			r.Error = "invalid hash parameters"
			return r
		}
		var salt [16]byte
		copy(salt[:], w.Salt)
		r.Hash = password.Hash(w.Password, salt, w.Cost)
	default:
		r.Error = "unknown work kind " + string(w.Kind)
	}
	return r
}
