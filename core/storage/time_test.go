package storage

import (
	"bufio"
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatTime(t *testing.T) {
	for _, tc := range []struct {
		us   int64
		want string
	}{
		{0, "1970-01-01T00:00:00+00:00"},
		{1788256800123456, "2026-09-01T10:00:00.123456+00:00"},
		{1788256800000000, "2026-09-01T10:00:00+00:00"},
		{1788256800000001, "2026-09-01T10:00:00.000001+00:00"},
		{1788256800100000, "2026-09-01T10:00:00.100000+00:00"},
		{1538574199774637, "2018-10-03T13:43:19.774637+00:00"},
		{-1, "1969-12-31T23:59:59.999999+00:00"},
		{951868799999999, "2000-02-29T23:59:59.999999+00:00"},
		{minUS, "0001-01-01T00:00:00+00:00"},
		{maxUS, "9999-12-31T23:59:59.999999+00:00"},
	} {
		assert.Equal(t, tc.want, FormatTime(tc.us), "%d", tc.us)
		back, err := ParseTime(tc.want)
		require.NoError(t, err, tc.want)
		assert.Equal(t, tc.us, back, tc.want)
	}
}

func TestFormatTimeOutsidePythonRange(t *testing.T) {
	// Never written by Home Assistant; only has to be deterministic.
	assert.Equal(t, "10000-01-01T00:00:00+00:00", FormatTime(maxUS+1))
	assert.Equal(t, "0000-12-31T23:59:59.999999+00:00", FormatTime(minUS-1))
	assert.NotPanics(t, func() { FormatTime(math.MinInt64); FormatTime(math.MaxInt64) })
}

// TestParseTimeReference replays what Home Assistant's parse_datetime gave
// for several thousand inputs, handwritten and generated.
func TestParseTimeReference(t *testing.T) {
	f, err := os.Open("testdata/time/parse_datetime.tsv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		in, want, ok := strings.Cut(line, "\t")
		require.True(t, ok, line)
		var s string
		require.NoError(t, json.Unmarshal([]byte(in), &s), line)
		us, err := ParseTime(s)
		got := strconv.FormatInt(us, 10)
		switch err {
		case ErrTimeFormat:
			got = "format"
		case ErrTimeRange:
			got = "range"
		}
		assert.Equal(t, want, got, "%q", s)
		n++
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, n, 5000)
}

// TestParseTimeNewerISO covers what ciso8601 2.3 (Home Assistant's pin) added
// over the reference run: week dates, ordinal dates, and reading the text only
// up to a NUL. Dates checked with Python's date.fromisocalendar and ordinals.
func TestParseTimeNewerISO(t *testing.T) {
	day := func(y, m, d int64) int64 { return daysFromCivil(y, m, d) * usPerDay }
	for _, tc := range []struct {
		in   string
		want int64
		err  error
	}{
		{"2009-W01-1", day(2008, 12, 29), nil},
		{"2009W011", day(2008, 12, 29), nil},
		{"2009-W01", day(2008, 12, 29), nil},
		{"2009W01T10", day(2008, 12, 29) + 10*3600*usPerSecond, nil},
		{"2020-W53-7", day(2021, 1, 3), nil},
		{"2004-W53-5", day(2004, 12, 31), nil},
		{"0001-W01-1", day(1, 1, 1), nil},
		{"9999-W52-5", day(9999, 12, 31), nil},
		{"2018-W53-1", 0, ErrTimeFormat},
		{"2018-W00-1", 0, ErrTimeFormat},
		{"2018-W01-8", 0, ErrTimeFormat},
		{"2018-W01-0", 0, ErrTimeFormat},
		{"2018-W011", 0, ErrTimeFormat},
		{"2018-001", day(2018, 1, 1), nil},
		{"2018059", day(2018, 2, 28), nil},
		{"2018-060", day(2018, 3, 1), nil},
		{"2016-060", day(2016, 2, 29), nil},
		{"2016-366T12:00", day(2016, 12, 31) + 12*3600*usPerSecond, nil},
		{"2018-366", 0, ErrTimeFormat},
		{"2018-000", 0, ErrTimeFormat},
		{"0000-001", 0, ErrTimeFormat},
		{"2018-10-03T13:43:19\x00junk", 1538574199000000, nil},
		{"2018-10-03\x00", day(2018, 10, 3), nil},
		{"2018-10-03T13:43:19.774637+00:00\x00", 1538574199774637, nil},
		{"\x002018-10-03", 0, ErrTimeFormat},
	} {
		us, err := ParseTime(tc.in)
		assert.Equal(t, tc.err, err, "%q", tc.in)
		if tc.err == nil {
			assert.Equal(t, tc.want, us, "%q: got %s", tc.in, FormatTime(us))
		}
	}
}

func TestParseTimeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		us := minUS + r.Int64N(maxUS-minUS+1)
		if i%3 == 0 {
			us -= us % usPerSecond
		}
		s := FormatTime(us)
		back, err := ParseTime(s)
		require.NoError(t, err, s)
		require.Equal(t, us, back, s)
	}
}

func TestSecondsToMicros(t *testing.T) {
	// timedelta(seconds=x) in Python, as microseconds.
	for _, tc := range []struct {
		lit  string
		want int64
	}{
		{"1800.0", 1800000000},
		{"1800", 1800000000},
		{"0.1234565", 123456},
		{"0.1234575", 123458},
		{"1e-07", 0},
		{"5e-07", 0},
		{"1.5e-06", 2},
		{"2.5e-06", 2},
		{"-5e-07", 0},
		{"-1.5e-06", -2},
		{"315360000.0", 315360000000000},
		{"8640000.0", 8640000000000},
		{"0.3", 300000},
		{"1.1", 1100000},
		{"2.675", 2675000},
		{"123456.7890125", 123456789012},
		{"1234.5678915", 1234567892},
		{"7776000.000001", 7776000000001},
		{"-0", 0},
		{"1E3", 1000000000},
	} {
		got, ok := secondsToMicros([]byte(tc.lit), isIntLiteral([]byte(tc.lit)))
		require.True(t, ok, tc.lit)
		assert.Equal(t, tc.want, got, tc.lit)
	}
	for _, lit := range []string{"9.999999e12", "9999999000000", "1e300", "-1e300", "92233720368548"} {
		_, ok := secondsToMicros([]byte(lit), isIntLiteral([]byte(lit)))
		assert.False(t, ok, lit)
	}
}

func TestTotalSeconds(t *testing.T) {
	// timedelta(microseconds=us).total_seconds() in Python.
	for _, tc := range []struct {
		us   int64
		want float64
	}{
		{1800000000, 1800.0},
		{123457, 0.123457},
		{2, 2e-06},
		{7776000000001, 7776000.000001},
		{9007199254740993, 9007199254.740993},
		{9007199254740995, 9007199254.740995},
		{-9007199254740993, -9007199254.740993},
		{9223372036854775807, 9223372036854.775},
		{-9223372036854775807, -9223372036854.775},
		{123456789012345678, 123456789012.34567},
	} {
		assert.Equal(t, tc.want, totalSeconds(tc.us), "%d", tc.us)
	}
}

// bigTotalSeconds is totalSeconds as math/big computes it: the exact
// quotient, rounded once.
func bigTotalSeconds(us int64) float64 {
	f, _ := new(big.Rat).SetFrac64(us, usPerSecond).Float64()
	return f
}

var totalSecondsSeeds = []int64{
	0, 1, -1, 1<<53 - 1, 1 << 53, 1<<53 + 1, -(1 << 53), -(1<<53 + 1), 1<<62 + 999_999, 1<<63 - 1, -1 << 63,
	9007199254740993, 123456789012345678, -123456789012345678, -1<<63 + 1,
}

// TestTotalSecondsMatchesBigRat compares totalSeconds with math/big's
// exactly rounded quotient around every power of two past 2^53 and on
// random values of every size.
func TestTotalSecondsMatchesBigRat(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	check := func(us int64) {
		if got, want := totalSeconds(us), bigTotalSeconds(us); got != want {
			t.Fatalf("totalSeconds(%d) = %v, math/big %v", us, got, want)
		}
	}
	for _, us := range totalSecondsSeeds {
		check(us)
	}
	for e := 53; e < 63; e++ {
		for d := int64(-3_000_000); d <= 3_000_000; d += 999_983 {
			check(1<<e + d)
			check(-(1<<e + d))
		}
	}
	for i := 0; i < 200_000; i++ {
		us := int64(r.Uint64() >> r.IntN(12))
		check(us)
		check(-us)
	}
}

func FuzzTotalSecondsMatchesBigRat(f *testing.F) {
	for _, us := range totalSecondsSeeds {
		f.Add(us)
	}
	f.Fuzz(func(t *testing.T, us int64) {
		if got, want := totalSeconds(us), bigTotalSeconds(us); got != want {
			t.Fatalf("totalSeconds(%d) = %v, math/big %v", us, got, want)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-09-01T10:00:00.123456+00:00", "2026-09-01T10:00:00+00:00", "2018-10-03T13:43:19.774637",
		"2018-10-03 13:43:19Z", "2018-1-3T1:2:3.5+01:30", "20181003T134319,5-0530", "2018-W53-7",
		"2018-366", "2018-10-03T24:00:00", "9999-12-31T24:00", "2018-10-03T13:43:19+24:00",
		"٢٠١٨-10-03T13:43:19", "0001-01-01T00:00:00+00:01", "2018-10-03T13:43:19\n", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		us, err := ParseTime(s)
		if err != nil {
			if err != ErrTimeFormat && err != ErrTimeRange {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if us < minUS || us > maxUS {
			t.Fatalf("%q gave %d, outside Python's range", s, us)
		}
		back, err := ParseTime(FormatTime(us))
		if err != nil || back != us {
			t.Fatalf("%q: %d formats as %q which parses to %d, %v", s, us, FormatTime(us), back, err)
		}
	})
}
