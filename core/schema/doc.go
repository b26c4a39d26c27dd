// Package schema validates client JSON against the voluptuous schemas Home
// Assistant's auth component declares, and reports failures in exactly the
// words Home Assistant sends back.
//
// Home Assistant shows those words in three places:
//
//   - HTTP JSON bodies: 400 {"message": HTTPErrorPrefix + err.Message()},
//     where Message is str(MultipleInvalid), the first error voluptuous found;
//   - websocket commands and the websocket auth message: err.Humanized(input),
//     voluptuous.humanize.humanize_error, which lists every error, sorted, each
//     followed by ". Got " and the Python repr of the offending input value;
//   - login and MFA flow steps, where only the fact of a failure matters.
//
// Schemas are plain data (Schema, Field and the Check values of this package),
// so a flow can build a form's schema, validate its input with Validate and
// describe it to the frontend with Serialize, which writes what
// voluptuous_serialize.convert produces. The schemas of the auth HTTP views
// and websocket commands are exported ready-made (LoginFlowCreate, WSAuth,
// AuthSignPath, ...), together with CommandHeader, the hand-written check Home
// Assistant applies to every websocket command before any schema.
//
// The order in which voluptuous reports errors decides which one an HTTP
// client sees, and is reproduced: exclusion groups first (and alone), then the
// input's keys in the order the client sent them, then missing required keys.
// Where voluptuous leaves an order to Python's set iteration (several missing
// required keys, several missing defaults), which varies between Home
// Assistant processes, this package uses the order of the schema's fields.
//
// The expected texts in the tests were produced by running voluptuous itself
// (0.15.2, Home Assistant's pin; 0.16.0 gives the same); see
// testdata/README.md. Known differences from Home Assistant: a string's repr
// follows Go's Unicode 15.0 tables for what is printable where Python follows
// its own Unicode version; CommandHeader refuses ids beyond int64; and if a
// Home Assistant release validates with probatio instead of voluptuous, that
// library words a failed AnyOf of plain types differently ("expected str or
// None").
//
// The package is pure: no I/O, no clock, no global mutable state; output
// never depends on map iteration order.
package schema
