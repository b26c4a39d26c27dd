// Command genvectors runs the scenarios of testvectors/internal/scenario
// against the native core and writes testvectors/<suite>.json. A scenario
// whose assertions fail writes nothing.
//
//	go run ./testvectors/cmd/genvectors [-dir testvectors] [-check]
//
// With -check it writes nothing and fails if a file would change.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hassauth/hassauth/testvectors"
	"github.com/hassauth/hassauth/testvectors/internal/scenario"
)

func main() {
	dir := flag.String("dir", "testvectors", "directory of the vector files")
	check := flag.Bool("check", false, "fail if a file would change instead of writing it")
	flag.Parse()

	failed := false
	total := 0
	for _, suite := range scenario.Suites() {
		f, ok := scenario.Build(suite, run)
		if !ok {
			failed = true
			continue
		}
		total += f.NumberOfTests
		b := testvectors.Encode(f)
		path := filepath.Join(*dir, suite.Name+".json")
		if *check {
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, b) {
				fmt.Fprintf(os.Stderr, "%s is out of date\n", path)
				failed = true
			}
			continue
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d vectors\n", path, f.NumberOfTests)
	}
	if failed {
		os.Exit(1)
	}
	fmt.Printf("total: %d vectors\n", total)
}

// failure carries a failed assertion out of a case.
type failure struct{ msg string }

type reporter struct{}

func (reporter) Helper() {}

func (reporter) Fatalf(format string, args ...any) { panic(failure{fmt.Sprintf(format, args...)}) }

// run runs a case and reports a failed assertion on stderr.
func run(name string, body func(scenario.Reporter)) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			f, is := v.(failure)
			if !is {
				panic(v)
			}
			fmt.Fprintf(os.Stderr, "FAIL %s: %s\n", name, f.msg)
			ok = false
		}
	}()
	body(reporter{})
	return true
}
