package testvectors

// Transcript is one test of the vectors as an engine sees it: a core built
// from Config and Seed, then Inputs in order, each of which must give the
// output at the same index of Outputs. The group's Load, when it has one,
// is the first input.
type Transcript struct {
	Suite string
	TcID  int
	// Config is the configuration's JSON (EncodeConfig's form).
	Config []byte
	Seed   [32]byte
	// GroupLoad is set when the first input is the group's Load, made
	// from its stored documents rather than taken from a step.
	GroupLoad bool
	Inputs    [][]byte
	Outputs   [][]byte
}

// Mix returns every test of files as a transcript, in the order Run drives
// them: the vector message mix, for engines to be timed on.
func Mix(files []*File) ([]Transcript, error) {
	var mix []Transcript
	for _, f := range files {
		for gi := range f.TestGroups {
			g := &f.TestGroups[gi]
			seed, err := g.SeedBytes()
			if err != nil {
				return nil, err
			}
			load := g.LoadInput()
			for ti := range g.Tests {
				t := &g.Tests[ti]
				tr := Transcript{Suite: f.Suite, TcID: t.TcID, Config: g.Config, Seed: seed}
				if load != nil {
					tr.GroupLoad = true
					tr.Inputs = append(tr.Inputs, load)
					tr.Outputs = append(tr.Outputs, g.LoadOutput)
				}
				for _, s := range t.Steps {
					tr.Inputs = append(tr.Inputs, s.Input)
					tr.Outputs = append(tr.Outputs, s.Output)
				}
				mix = append(mix, tr)
			}
		}
	}
	return mix, nil
}
