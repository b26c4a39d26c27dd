package storage

import (
	"math"
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// canonical rewrites the numbers in v as Home Assistant would write them
// after loading: orjson reads an integer literal into an int when it fits
// in 64 bits (signed or unsigned) and every other number into a float, and
// writes them back in its own layout, so 1.50 becomes 1.5, 1E2 100.0 and -0
// 0. It reports false for a number that overflows a float, which orjson
// refuses to load.
func canonical(v *orjson.Value) bool {
	switch v.Kind {
	case orjson.Number:
		s, ok := canonicalNumber(v.Str)
		v.Str = s
		return ok
	case orjson.Array:
		for i := range v.Arr {
			if !canonical(&v.Arr[i]) {
				return false
			}
		}
	case orjson.Object:
		for i := range v.Obj {
			if !canonical(&v.Obj[i].Value) {
				return false
			}
		}
	}
	return true
}

func canonicalNumber(lit string) (string, bool) {
	if isIntLiteral([]byte(lit)) {
		if i, err := strconv.ParseInt(lit, 10, 64); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		if u, err := strconv.ParseUint(lit, 10, 64); err == nil {
			return strconv.FormatUint(u, 10), true
		}
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) {
		return lit, false
	}
	return string(orjson.AppendFloat(nil, f)), true
}
