package core

// Input is one event for the core. Exactly one of the event fields is set.
type Input struct {
	// Now is the host's clock, Unix microseconds. Required on every input.
	Now int64
	// Entropy, when set, is mixed into the random generator. A host may
	// send fresh randomness with any input; a replay must send the same.
	Entropy []byte

	Load       *Load
	HTTP       *HTTPRequest
	WSOpen     *WSOpen
	WSMessage  *WSMessage
	WSClosed   *WSClosed
	Tick       *Tick
	WorkDone   *WorkResult
	FetchDone  *FetchResult
	RunDone    *RunResult
	NotifyDone *NotifyResult
	Call       *Call
}

// Load hands the core the stored documents, once, before anything else.
// Files holds each document the host found, keyed by its path relative to
// the configuration directory (".storage/auth", ".storage/auth_provider.homeassistant",
// ".storage/auth_module.totp", ".storage/auth_module.notify" and the journal);
// a missing file is simply absent. Bans lists the addresses banned in
// ip_bans.yaml.
type Load struct {
	Files []File
	Bans  []Ban
}

// File is one stored document.
type File struct {
	Path string
	Data []byte
}

// HTTPRequest is an HTTP request, reduced to what the auth component reads.
type HTTPRequest struct {
	// ID is chosen by the host and echoed in the Reply.
	ID     uint64
	Method string
	// Scheme is "http" or "https", as the connection arrived.
	Scheme string
	// Path is the request path as sent (percent-encoding kept).
	Path string
	// Query is the raw query string, without '?'.
	Query string
	// Header holds the request's headers that matter (see HeaderNames),
	// names in lower case, in the order received; a repeated header appears
	// once per line.
	Header []Header
	Body   []byte
	// Remote is the peer address, "ip" or "ip:port"; empty when unknown.
	Remote string
}

// Header is one HTTP header line.
type Header struct {
	Name  string
	Value string
}

// HeaderNames lists the request headers the core reads. A host may pass
// others; they are ignored.
var HeaderNames = []string{
	"authorization", "content-type", "origin", "host",
	"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
	"access-control-request-method", "access-control-request-headers", "user-agent",
}

// WSOpen reports a websocket connection that completed its upgrade on
// /api/websocket.
type WSOpen struct {
	Conn   uint64
	Remote string
	Header []Header
}

// WSMessage is one websocket data frame from a client.
type WSMessage struct {
	Conn   uint64
	Data   []byte
	Binary bool
}

// WSClosed reports that a connection is gone, whoever closed it.
type WSClosed struct {
	Conn uint64
}

// Tick tells the core that its deadline has passed. Early or repeated
// ticks are harmless.
type Tick struct{}

// WorkResult is the outcome of a Work effect, computed by the pure Work
// function.
type WorkResult struct {
	ID uint64
	// Match is a password check's result.
	Match bool
	// Hash is a password hash's result.
	Hash  string
	Error string
}

// FetchResult is the outcome of a Fetch effect.
type FetchResult struct {
	ID     uint64
	Status int
	// Redirected is true when the final response came after a redirect.
	Redirected bool
	// Body holds at most the effect's MaxBytes.
	Body []byte
	// Error is set when no response arrived (timeout, DNS, TLS, refused).
	Error string
}

// RunResult is the outcome of a Run effect.
type RunResult struct {
	ID       uint64
	ExitCode int
	Stdout   []byte
	// Error is set when the command could not run or timed out.
	Error string
}

// NotifyResult is the outcome of a Notify effect.
type NotifyResult struct {
	ID    uint64
	Error string
}

// Call is a request from the embedding program (and from the command-line
// tools) rather than from a client: Op names the operation, Args its JSON
// arguments. The answer is a Result effect with the same ID.
type Call struct {
	ID   uint64
	Op   string
	Args []byte
}
