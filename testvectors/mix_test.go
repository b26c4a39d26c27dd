package testvectors_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors"
)

// TestMixIsWhatRunDrives checks that the message mix holds every test,
// with the group's Load first, and that stepping its inputs through the
// native engine gives its outputs and the same running hash as Run.
func TestMixIsWhatRunDrives(t *testing.T) {
	files, err := testvectors.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := testvectors.Run(testvectors.Native, files)
	if err != nil {
		t.Fatal(err)
	}
	mix, err := testvectors.Mix(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(mix) != sum.Vectors {
		t.Fatalf("the mix holds %d transcripts, the files %d tests", len(mix), sum.Vectors)
	}
	h := sha256.New()
	for _, tr := range mix {
		if len(tr.Inputs) != len(tr.Outputs) || len(tr.Inputs) == 0 {
			t.Fatalf("%s tcId %d: %d inputs, %d outputs", tr.Suite, tr.TcID, len(tr.Inputs), len(tr.Outputs))
		}
		if in, err := core.ParseInput(tr.Inputs[0]); tr.GroupLoad && (err != nil || in.Load == nil) {
			t.Fatalf("%s tcId %d: GroupLoad %v, first input %s", tr.Suite, tr.TcID, tr.GroupLoad, tr.Inputs[0])
		}
		inst, err := testvectors.Native.New(tr.Config, tr.Seed)
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range tr.Inputs {
			got, err := inst.Step(in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(tr.Outputs[i]) {
				t.Fatalf("%s tcId %d input %d:\n got  %s\n want %s", tr.Suite, tr.TcID, i, got, tr.Outputs[i])
			}
			h.Write(got)
			h.Write([]byte{'\n'})
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum.SHA256 {
		t.Fatalf("the mix hashes to %s, Run to %s", got, sum.SHA256)
	}
}
