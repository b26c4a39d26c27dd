// Command runvectors runs every conformance vector through each engine and
// prints one line per engine:
//
//	<engine>: <count> vectors, sha256 <running hash of all outputs>
//
// It fails when an engine's output differs from a vector, when an engine
// fails, or when the engines' hashes differ. Engines not built yet are
// reported as pending, and fail the run only with -strict.
//
//	go run ./testvectors/cmd/runvectors [-dir testvectors] [-engines native,wazero,node] [-strict]
//	    [-process 'node=node hosts/wasi/node/vectors.mjs']
//
// -process registers an engine served by a child process that speaks the
// line protocol of testvectors.StartProcess; it may be given more than once.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hassauth/hassauth/testvectors"
)

func main() {
	dir := flag.String("dir", "testvectors", "directory of the vector files")
	names := flag.String("engines", "native,wazero,node", "comma-separated engines to run")
	strict := flag.Bool("strict", false, "fail when a requested engine is not available")
	maxShown := flag.Int("show", 5, "mismatches shown per engine")
	flag.Func("process", "name=command args...: an engine in a child process speaking the line protocol", func(v string) error {
		name, command, ok := strings.Cut(v, "=")
		argv := strings.Fields(command)
		if !ok || name == "" || len(argv) == 0 {
			return fmt.Errorf("want name=command, got %q", v)
		}
		engines[name] = func() (testvectors.Engine, func(), error) {
			p, err := testvectors.StartProcess(name, argv...)
			if err != nil {
				return nil, nil, err
			}
			return p, func() { p.Close() }, nil
		}
		return nil
	})
	flag.Parse()

	files, err := testvectors.ReadDir(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	failed := false
	hashes := map[string]bool{}
	for _, name := range strings.Split(*names, ",") {
		name = strings.TrimSpace(name)
		open, ok := engines[name]
		if !ok {
			fmt.Printf("%s: pending (no engine registered in testvectors/cmd/runvectors/engines.go)\n", name)
			failed = failed || *strict
			continue
		}
		eng, closeEngine, err := open()
		if err != nil {
			fmt.Printf("%s: unavailable: %v\n", name, err)
			failed = failed || *strict
			continue
		}
		sum, err := testvectors.Run(eng, files)
		closeEngine()
		if err != nil {
			fmt.Printf("%s: engine failed: %v\n", name, err)
			failed = true
			continue
		}
		fmt.Println(sum)
		hashes[sum.SHA256] = true
		for i, m := range sum.Mismatches {
			if i == *maxShown {
				fmt.Printf("  ... %d more mismatches\n", len(sum.Mismatches)-i)
				break
			}
			fmt.Printf("  mismatch: %v\n", m)
		}
		if len(sum.Mismatches) > 0 {
			failed = true
		}
	}
	if len(hashes) > 1 {
		fmt.Println("engines disagree: the hashes differ")
		failed = true
	}
	if failed {
		os.Exit(1)
	}
}
