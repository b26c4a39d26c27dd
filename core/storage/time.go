package storage

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors from ParseTime. Home Assistant's dt_util.parse_datetime returns
// None for text it does not recognise (ErrTimeFormat) but raises for text
// that has a date-time's shape with a field out of range (ErrTimeRange),
// which makes its auth store fail to load.
var (
	ErrTimeFormat = errors.New("not a date-time Home Assistant can parse")
	ErrTimeRange  = errors.New("date-time field out of range")
)

const (
	usPerSecond = 1_000_000
	usPerDay    = 86_400 * usPerSecond
	// minUS and maxUS bound the instants a Python datetime can hold:
	// 0001-01-01T00:00:00 and 9999-12-31T23:59:59.999999 UTC.
	minUS = -62135596800 * usPerSecond
	maxUS = 253402300799*usPerSecond + 999999
)

// FormatTime formats a Unix time in microseconds as Python's isoformat() of
// an aware UTC datetime, which is how Home Assistant stores created_at and
// last_used_at: 2026-09-01T10:00:00.123456+00:00, with the fraction only
// when it is not zero. Times outside the years 1 to 9999, which Python
// cannot hold, are written with the year as it falls.
func FormatTime(us int64) string {
	var buf [40]byte
	return string(AppendTime(buf[:0], us))
}

// AppendTime appends FormatTime(us) to b.
func AppendTime(b []byte, us int64) []byte {
	days := floorDiv(us, usPerDay)
	rem := us - days*usPerDay
	y, m, d := civilFromDays(days)
	secs := rem / usPerSecond
	frac := rem % usPerSecond
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	if y > 9999 {
		b = appendInt(b, y)
	} else {
		b = appendPad(b, y, 4)
	}
	b = append(b, '-')
	b = appendPad(b, m, 2)
	b = append(b, '-')
	b = appendPad(b, d, 2)
	b = append(b, 'T')
	b = appendPad(b, secs/3600, 2)
	b = append(b, ':')
	b = appendPad(b, secs/60%60, 2)
	b = append(b, ':')
	b = appendPad(b, secs%60, 2)
	if frac != 0 {
		b = append(b, '.')
		b = appendPad(b, frac, 6)
	}
	return append(b, "+00:00"...)
}

func appendPad(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v > 0 || len(tmp)-i < width {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}

func appendInt(b []byte, v int64) []byte { return appendPad(b, v, 1) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days from 1970-01-01 to the proleptic Gregorian
// date y-m-d (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// dateTime is a parsed date-time before it becomes an instant.
type dateTime struct {
	year, month, day, hour, minute, second, usec int64
	// offset is the UTC offset in seconds; naive times have none.
	offset int64
	naive  bool
	// nextDay is set for ISO 8601's 24:00, which is midnight of the next
	// day.
	nextDay bool
}

// valid applies Python's datetime constructor checks.
func (t *dateTime) valid() bool {
	return t.year >= 1 && t.year <= 9999 && t.month >= 1 && t.month <= 12 &&
		t.day >= 1 && t.day <= daysIn(t.year, t.month) && t.hour >= 0 && t.hour <= 23 &&
		t.minute >= 0 && t.minute <= 59 && t.second >= 0 && t.second <= 59
}

func (t *dateTime) micros() (int64, error) {
	if t.nextDay && t.year == 9999 && t.month == 12 && t.day == 31 {
		// Python raises OverflowError adding the day; it is not caught.
		return 0, ErrTimeRange
	}
	days := daysFromCivil(t.year, t.month, t.day)
	if t.nextDay {
		days++
	}
	secs := days*86400 + t.hour*3600 + t.minute*60 + t.second - t.offset
	us := secs*usPerSecond + t.usec
	if us < minUS || us > maxUS {
		// The instant exists in Python with its own offset but not in UTC
		// within years 1..9999, so it could not be written back.
		return 0, ErrTimeRange
	}
	return us, nil
}

// ParseTime parses a stored date-time the way Home Assistant's
// dt_util.parse_datetime does and returns it as Unix microseconds: first
// ciso8601's ISO 8601 subset (basic and extended dates, week and ordinal
// dates, times with or without seconds and fractions, 24:00, Z or ±hh[[:]mm]
// offsets), then Django's pattern as a fallback (one- or two-digit fields,
// a space or T, up to twelve fraction digits of which six count). A time
// without an offset is taken as UTC, which is what Home Assistant writes.
// Fractions beyond microseconds are truncated.
func ParseTime(s string) (int64, error) {
	if us, ok := parseStored(s); ok {
		return us, nil
	}
	// ciso8601 reads the text as a C string.
	cs := s
	if i := strings.IndexByte(s, 0); i >= 0 {
		cs = s[:i]
	}
	if t, ok := parseISO(cs); ok {
		return t.micros()
	}
	t, ok := parseDjango(s)
	if !ok {
		return 0, ErrTimeFormat
	}
	if !t.valid() || t.offset <= -86400 || t.offset >= 86400 {
		return 0, ErrTimeRange
	}
	return t.micros()
}

// parseStored is the fast path for exactly what Home Assistant writes:
// YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00.
func parseStored(s string) (int64, bool) {
	n := len(s)
	if n != 25 && n != 32 {
		return 0, false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n-6:] != "+00:00" {
		return 0, false
	}
	t := dateTime{}
	var ok bool
	if t.year, ok = digits(s[0:4]); !ok {
		return 0, false
	}
	if t.month, ok = digits(s[5:7]); !ok {
		return 0, false
	}
	if t.day, ok = digits(s[8:10]); !ok {
		return 0, false
	}
	if t.hour, ok = digits(s[11:13]); !ok {
		return 0, false
	}
	if t.minute, ok = digits(s[14:16]); !ok {
		return 0, false
	}
	if t.second, ok = digits(s[17:19]); !ok {
		return 0, false
	}
	if n == 32 {
		if s[19] != '.' {
			return 0, false
		}
		if t.usec, ok = digits(s[20:26]); !ok {
			return 0, false
		}
	}
	if !t.valid() {
		return 0, false
	}
	us, err := t.micros()
	return us, err == nil
}

func digits(s string) (int64, bool) {
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// isoScanner walks a string for parseISO.
type isoScanner struct {
	s   string
	pos int
}

func (p *isoScanner) end() bool { return p.pos >= len(p.s) }

func (p *isoScanner) peek() byte {
	if p.end() {
		return 0
	}
	return p.s[p.pos]
}

// fixed reads exactly n digits.
func (p *isoScanner) fixed(n int) (int64, bool) {
	if len(p.s)-p.pos < n {
		return 0, false
	}
	v, ok := digits(p.s[p.pos : p.pos+n])
	if ok {
		p.pos += n
	}
	return v, ok
}

func (p *isoScanner) dateTimeSep() bool {
	c := p.peek()
	return c == 'T' || c == 't' || c == ' '
}

func (p *isoScanner) zoneSep() bool {
	c := p.peek()
	return c == 'Z' || c == 'z' || c == '+' || c == '-'
}

// parseISO accepts what ciso8601.parse_datetime accepts and reports false
// where it raises ValueError (Home Assistant then tries parseDjango).
func parseISO(s string) (dateTime, bool) {
	p := isoScanner{s: s}
	t := dateTime{naive: true}
	var ok bool
	if t.year, ok = p.fixed(4); !ok {
		return t, false
	}
	extended := false
	if p.peek() == '-' {
		p.pos++
		extended = true
		if p.peek() == 'W' {
			if !p.week(&t, true) {
				return t, false
			}
		} else {
			if t.month, ok = p.fixed(2); !ok {
				return t, false
			}
			t.day = 1
			if !p.end() && !p.dateTimeSep() {
				if p.peek() == '-' {
					p.pos++
					if t.day, ok = p.fixed(2); !ok {
						return t, false
					}
				} else {
					last, ok := p.fixed(1)
					if !ok || !t.fromOrdinal(t.month*10+last) {
						return t, false
					}
				}
			}
		}
	} else if p.peek() == 'W' {
		if !p.week(&t, false) {
			return t, false
		}
	} else {
		if t.month, ok = p.fixed(2); !ok {
			return t, false
		}
		third, ok := p.fixed(1)
		if !ok {
			return t, false
		}
		if p.end() || p.dateTimeSep() {
			if !t.fromOrdinal(t.month*10 + third) {
				return t, false
			}
		} else {
			last, ok := p.fixed(1)
			if !ok {
				return t, false
			}
			t.day = third*10 + last
		}
	}

	if !p.end() {
		if !p.dateTimeSep() {
			return t, false
		}
		p.pos++
		if t.hour, ok = p.fixed(2); !ok {
			return t, false
		}
		if !p.end() && !p.zoneSep() {
			if p.peek() == ':' {
				p.pos++
				if t.minute, ok = p.fixed(2); !ok {
					return t, false
				}
				if !p.end() && !p.zoneSep() {
					if p.peek() != ':' {
						return t, false
					}
					p.pos++
					if t.second, ok = p.fixed(2); !ok {
						return t, false
					}
					if !p.fraction(&t) {
						return t, false
					}
				}
				if !extended {
					return t, false
				}
			} else {
				if t.minute, ok = p.fixed(2); !ok {
					return t, false
				}
				if !p.end() && !p.zoneSep() {
					if t.second, ok = p.fixed(2); !ok {
						return t, false
					}
					if !p.fraction(&t) {
						return t, false
					}
				}
				if extended {
					return t, false
				}
			}
		}
		if t.hour == 24 && t.minute == 0 && t.second == 0 && t.usec == 0 {
			t.hour = 0
			t.nextDay = true
		}
		if p.zoneSep() {
			c := p.peek()
			p.pos++
			if c == '+' || c == '-' {
				tzh, ok := p.fixed(2)
				if !ok {
					return t, false
				}
				var tzm int64
				if p.peek() == ':' {
					p.pos++
					if tzm, ok = p.fixed(2); !ok {
						return t, false
					}
				} else if !p.end() {
					if tzm, ok = p.fixed(2); !ok {
						return t, false
					}
				}
				if tzm > 59 {
					return t, false
				}
				off := tzh*60 + tzm
				if off >= 1440 {
					return t, false
				}
				if c == '-' {
					off = -off
				}
				t.offset = off * 60
			}
			t.naive = false
		}
	}
	if !p.end() {
		return t, false
	}
	return t, t.valid()
}

// week reads an ISO week date after the year: Www-D (extended) or WwwD
// (basic), the day defaulting to Monday.
func (p *isoScanner) week(t *dateTime, extended bool) bool {
	p.pos++ // W
	week, ok := p.fixed(2)
	if !ok {
		return false
	}
	wd := int64(1)
	if !p.end() && !p.dateTimeSep() {
		if extended {
			if p.peek() != '-' {
				return false
			}
			p.pos++
		}
		if wd, ok = p.fixed(1); !ok {
			return false
		}
	}
	return t.fromISOWeek(week, wd)
}

// fraction reads an optional fraction of a second: '.' or ',' and at least
// one digit; digits after the sixth are dropped.
func (p *isoScanner) fraction(t *dateTime) bool {
	if c := p.peek(); c != '.' && c != ',' {
		return true
	}
	p.pos++
	n := 0
	for !p.end() && p.peek() >= '0' && p.peek() <= '9' {
		if n < 6 {
			t.usec = t.usec*10 + int64(p.peek()-'0')
		}
		n++
		p.pos++
	}
	if n == 0 {
		return false
	}
	for ; n < 6; n++ {
		t.usec *= 10
	}
	return true
}

// ordinalOf returns the days from 0001-01-01 (day 1) to y-m-d.
func ordinalOf(y, m, d int64) int64 { return daysFromCivil(y, m, d) + 719163 }

// fromISOWeek sets the date from an ISO week date. Weeks 1..52 are always
// accepted, week 53 only in years that have it, days 1..7.
func (t *dateTime) fromISOWeek(week, wd int64) bool {
	y := t.year
	if y < 1 {
		return false
	}
	first := ordinalOf(y, 1, 1)
	firstWeekday := (first + 6) % 7 // Monday is 0
	if week <= 0 || week >= 53 {
		if week != 53 || !(firstWeekday == 3 || (firstWeekday == 2 && isLeap(y))) {
			return false
		}
	}
	if wd <= 0 || wd >= 8 {
		return false
	}
	monday := first - firstWeekday
	if firstWeekday > 3 {
		monday += 7
	}
	ord := monday + (week-1)*7 + wd - 1
	if ord < 1 {
		return false
	}
	t.year, t.month, t.day = civilFromDays(ord - 719163)
	return true
}

// fromOrdinal sets the date from a day of the year (1..365 or 366).
func (t *dateTime) fromOrdinal(yday int64) bool {
	days := int64(365)
	if isLeap(t.year) {
		days = 366
	}
	if yday < 1 || yday > days || t.year < 1 {
		return false
	}
	t.year, t.month, t.day = civilFromDays(daysFromCivil(t.year, 1, 1) + yday - 1)
	return true
}

// parseDjango matches Home Assistant's fallback pattern
// YYYY-M[M]-D[D][T ]H[H]:M[M][:S[S][.f{1,6}f{0,6}]][Z|±hh[[:]mm]] anchored
// at the start, where the end may be followed by one newline (Python's $).
// Like Python's \d and int(), it takes any Unicode decimal digit.
func parseDjango(s string) (dateTime, bool) {
	t := dateTime{naive: true}
	s = strings.TrimSuffix(s, "\n")
	pos := 0
	// count reads up to max digits as a number and says how many it read.
	count := func(max int) (int64, int) {
		var v int64
		n := 0
		for n < max && pos < len(s) {
			d, size := decimalDigit(s[pos:])
			if d < 0 {
				break
			}
			v = v*10 + int64(d)
			pos += size
			n++
		}
		return v, n
	}
	run := func(min, max int) (int64, bool) {
		v, n := count(max)
		return v, n >= min
	}
	lit := func(c byte) bool {
		if pos < len(s) && s[pos] == c {
			pos++
			return true
		}
		return false
	}
	var ok bool
	if t.year, ok = run(4, 4); !ok || !lit('-') {
		return t, false
	}
	if t.month, ok = run(1, 2); !ok || !lit('-') {
		return t, false
	}
	if t.day, ok = run(1, 2); !ok || !(lit('T') || lit(' ')) {
		return t, false
	}
	if t.hour, ok = run(1, 2); !ok || !lit(':') {
		return t, false
	}
	if t.minute, ok = run(1, 2); !ok {
		return t, false
	}
	if lit(':') {
		if t.second, ok = run(1, 2); !ok {
			return t, false
		}
		if lit('.') {
			v, n := count(6)
			if n == 0 {
				return t, false
			}
			for ; n < 6; n++ {
				v *= 10
			}
			t.usec = v
			count(6)
		}
	}
	if pos < len(s) {
		switch c := s[pos]; c {
		case 'Z':
			pos++
			t.naive = false
		case '+', '-':
			pos++
			h, ok := run(2, 2)
			if !ok {
				return t, false
			}
			var m int64
			if pos < len(s) {
				lit(':')
				if m, ok = run(2, 2); !ok {
					return t, false
				}
			}
			off := (h*60 + m) * 60
			if c == '-' {
				off = -off
			}
			t.offset = off
			t.naive = false
		default:
			return t, false
		}
	}
	return t, pos == len(s)
}

// decimalDigit returns the value of the Unicode decimal digit (category
// Nd) that s starts with and its length in bytes, or -1.
func decimalDigit(s string) (int, int) {
	if s[0] >= '0' && s[0] <= '9' {
		return int(s[0] - '0'), 1
	}
	if s[0] < utf8.RuneSelf {
		return -1, 1
	}
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsDigit(r) {
		return -1, size
	}
	// Decimal digits come in runs of ten, zero to nine.
	zero := r
	for unicode.IsDigit(zero - 1) {
		zero--
	}
	return int(r-zero) % 10, size
}

// Durations are stored as Python's timedelta.total_seconds(): a float of
// seconds. They are kept as microseconds, the resolution of timedelta.

// secondsToMicros converts a stored number of seconds the way
// timedelta(seconds=x) does: integers exactly, floats by splitting off the
// whole seconds, then the whole microseconds, then rounding what is left
// half to even.
func secondsToMicros(lit []byte, isInt bool) (int64, bool) {
	if isInt {
		v, err := strconv.ParseInt(string(lit), 10, 64)
		if err != nil || v > math.MaxInt64/usPerSecond || v < -math.MaxInt64/usPerSecond {
			return 0, false
		}
		return v * usPerSecond, true
	}
	f, ok := parseFloat(lit)
	if !ok {
		return 0, false
	}
	whole, frac := math.Modf(f)
	if math.Abs(whole) > float64(math.MaxInt64/usPerSecond)-1 {
		return 0, false
	}
	us := int64(whole) * usPerSecond
	if frac == 0 {
		return us, true
	}
	wholeUS, left := math.Modf(frac * usPerSecond)
	us += int64(wholeUS)
	r := math.Round(left)
	if math.Abs(r-left) == 0.5 {
		odd := float64(us & 1)
		r = 2*math.Round((left+odd)*0.5) - odd
	}
	return us + int64(r), true
}

// totalSeconds is timedelta.total_seconds() for a duration of us
// microseconds: the exact quotient us/10**6 rounded to a float, as Python's
// int true division does.
func totalSeconds(us int64) float64 {
	const exact = 1 << 53
	if us > -exact && us < exact {
		// Both operands are exact, so the one division rounds once.
		return float64(us) / usPerSecond
	}
	// |us| has more bits than a float holds: divide |us|·2^s by 10**6 in
	// 128 bits with s chosen to leave a 63- or 64-bit quotient, fold the
	// remainder into its lowest bit so that the conversion, which rounds
	// to nearest even, sees whether anything was left over, and scale
	// back, which is exact. The tests compare this with math/big's Rat,
	// which is not used here because it links fmt into the WebAssembly
	// module.
	n := uint64(us)
	if us < 0 {
		n = -n
	}
	s := bits.LeadingZeros64(n) + 19
	hi, lo := n>>(64-s), n<<s
	q, r := bits.Div64(hi, lo, usPerSecond)
	if r != 0 {
		q |= 1
	}
	f := math.Ldexp(float64(q), -s)
	if us < 0 {
		return -f
	}
	return f
}

// parseFloat reads a JSON number literal as Python's float() would.
func parseFloat(lit []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(lit), 64)
	return f, err == nil
}
