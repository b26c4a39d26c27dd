package testvectors

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
)

// The line protocol of an engine in another process (the Node host, any
// WASI runtime): one JSON document per line each way, in order.
//
//	runner: {"new":{"config":<config JSON>,"seed":"<64 hex>"}}
//	engine: {"ok":true}            or {"error":"<why>"}
//	runner: <input wire JSON>      (any number of times)
//	engine: <output wire JSON>     or {"error":"<why>"} for an engine failure
//
// A "new" line discards the previous core. The engine exits when its
// standard input closes.

// ProcessEngine is an Engine served by a child process speaking the line
// protocol. One process serves every instance, one at a time.
type ProcessEngine struct {
	name string
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	mu   sync.Mutex
}

// StartProcess starts argv as a line-protocol engine.
func StartProcess(name string, argv ...string) (*ProcessEngine, error) {
	if len(argv) == 0 {
		return nil, errors.New("testvectors: no command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &ProcessEngine{name: name, cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

// Name is the engine's name.
func (p *ProcessEngine) Name() string { return p.name }

// New starts a fresh core in the process.
func (p *ProcessEngine) New(config []byte, seed [32]byte) (Instance, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := make([]byte, 0, len(config)+96)
	line = append(line, `{"new":{"config":`...)
	line = append(line, config...)
	line = append(line, `,"seed":"`...)
	line = append(line, hex.EncodeToString(seed[:])...)
	line = append(line, `"}}`...)
	reply, err := p.exchange(line)
	if err != nil {
		return nil, err
	}
	var ack struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(reply, &ack); err != nil || !ack.OK {
		return nil, fmt.Errorf("%s: new core refused: %s", p.name, reply)
	}
	return &processInstance{p: p}, nil
}

// exchange writes one line and reads one.
func (p *ProcessEngine) exchange(line []byte) ([]byte, error) {
	if bytes.IndexByte(line, '\n') >= 0 {
		return nil, errors.New("testvectors: a protocol line holds a newline")
	}
	if _, err := p.in.Write(append(line, '\n')); err != nil {
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	reply, err := p.out.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return bytes.TrimSuffix(reply, []byte("\n")), nil
}

// Close ends the process.
func (p *ProcessEngine) Close() error {
	p.in.Close()
	return p.cmd.Wait()
}

type processInstance struct{ p *ProcessEngine }

func (i *processInstance) Step(input []byte) ([]byte, error) {
	i.p.mu.Lock()
	defer i.p.mu.Unlock()
	out, err := i.p.exchange(input)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(out, []byte(`{"error":`)) {
		return nil, fmt.Errorf("%s: %s", i.p.name, out)
	}
	return out, nil
}

func (i *processInstance) Close() error { return nil }

// ServeLines serves the line protocol with eng on r and w, for a child
// process written in Go (and to test the protocol itself).
func ServeLines(eng Engine, r io.Reader, w io.Writer) error {
	in := bufio.NewReaderSize(r, 1<<20)
	bw := bufio.NewWriter(w)
	var inst Instance
	reply := func(b []byte) error {
		bw.Write(b)
		bw.WriteByte('\n')
		return bw.Flush()
	}
	fail := func(err error) error {
		b, _ := json.Marshal(map[string]string{"error": err.Error()})
		return reply(b)
	}
	for {
		line, err := in.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if bytes.HasPrefix(line, []byte(`{"new":`)) {
			var m struct {
				New struct {
					Config json.RawMessage `json:"config"`
					Seed   string          `json:"seed"`
				} `json:"new"`
			}
			g := Group{}
			if err := json.Unmarshal(line, &m); err != nil {
				if err := fail(err); err != nil {
					return err
				}
				continue
			}
			g.Seed = m.New.Seed
			seed, err := g.SeedBytes()
			if err == nil {
				inst, err = eng.New(m.New.Config, seed)
			}
			if err != nil {
				if err := fail(err); err != nil {
					return err
				}
				continue
			}
			if err := reply([]byte(`{"ok":true}`)); err != nil {
				return err
			}
			continue
		}
		if inst == nil {
			if err := fail(errors.New("no core: send a new line first")); err != nil {
				return err
			}
			continue
		}
		out, err := inst.Step(line)
		if err != nil {
			if err := fail(err); err != nil {
				return err
			}
			continue
		}
		if err := reply(out); err != nil {
			return err
		}
	}
}
