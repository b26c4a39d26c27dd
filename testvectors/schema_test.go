package testvectors_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hassauth/hassauth/testvectors"
)

// TestFilesMatchSchema validates every vector file against the JSON Schema
// beside it, so that the schema documents the files as they are.
func TestFilesMatchSchema(t *testing.T) {
	raw, err := os.ReadFile(testvectors.SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(testvectors.SchemaName, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(testvectors.SchemaName)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob("*.json")
	n := 0
	for _, name := range names {
		if name == testvectors.SchemaName {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no vector files")
	}
	// The schema must be able to fail.
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(`{"schema":"vectors_schema_v1.json","suite":"x","numberOfTests":0,"header":[],"notes":{},"testGroups":[{"config":{},"seed":"zz","start":0,"files":null,"tests":[]}]}`)))
	if sch.Validate(bad) == nil {
		t.Fatal("a bad seed passed the schema")
	}
}
