package core

// Output is what one Step produced: effects to carry out in order, and the
// time at which the core wants a Tick.
type Output struct {
	Effects []Effect
	// Deadline is the Unix-microsecond time of the next Tick the core
	// wants, or 0 for none.
	Deadline int64
}

// Effect is one thing for the host to do. Exactly one field is set.
//
// Ordering: a host applies effects in list order. Write and Append are
// durable (written and synced) before the host moves to the next effect, so
// a Reply never reports a change that a crash could lose. Work, Fetch, Run
// and Notify may run anywhere and finish in any order; their results come
// back as inputs.
type Effect struct {
	Reply  *Reply
	Send   *WSSend
	Close  *WSClose
	Write  *Write
	Append *Append
	Work   *Work
	Fetch  *Fetch
	Run    *Run
	Notify *Notify
	Ban    *Ban
	Log    *Log
	Result *Result
	Fatal  *Fatal
	// External hands the embedder an OAuth2 authorization response.
	External *External
}

// Reply answers the HTTP request with the same ID.
type Reply struct {
	ID     uint64
	Status int
	Header []Header
	Body   []byte
}

// WSSend sends one text frame on a websocket connection.
type WSSend struct {
	Conn uint64
	Data []byte
}

// WSClose closes a websocket connection after the frames already sent.
type WSClose struct {
	Conn uint64
	// Code is the websocket close code (1000 normal, 1008 policy).
	Code   int
	Reason string
}

// Write replaces a stored document atomically (temporary file, sync,
// rename). Path is relative to the configuration directory; Private files
// get mode 0600.
type Write struct {
	Path    string
	Data    []byte
	Private bool
}

// Append adds a record to the end of a stored file and syncs it.
type Append struct {
	Path    string
	Data    []byte
	Private bool
}

// Work asks for expensive pure work (bcrypt). The host runs the pure Work
// function on it, wherever it likes, and feeds the WorkResult back.
type Work struct {
	ID   uint64
	Kind WorkKind
	// Password is the secret to hash or check. Never log it.
	Password string
	// Hash is the stored hash to check against.
	Hash string
	// Salt is the 16-byte salt for hashing.
	Salt []byte
	Cost int
}

// WorkKind says what a Work effect computes.
type WorkKind string

// The kinds of work.
const (
	WorkHashPassword  WorkKind = "hash_password"
	WorkCheckPassword WorkKind = "check_password"
)

// Fetch asks the host to GET a URL (IndieAuth client discovery) and feed
// back at most MaxBytes of the body, giving up after TimeoutMillis.
type Fetch struct {
	ID            uint64
	URL           string
	MaxBytes      int
	TimeoutMillis int
	// FollowRedirects allows redirects; the result says if one happened.
	FollowRedirects bool
}

// Run asks the host to run a command (the command_line provider) with
// exactly the environment given, nothing inherited, and a time limit.
type Run struct {
	ID            uint64
	Command       string
	Args          []string
	Env           []Header
	TimeoutMillis int
}

// Notify asks the host to deliver a message through a notification service
// (the notify MFA module).
type Notify struct {
	ID      uint64
	Service string
	Target  string
	Message string
}

// Ban adds an address to ip_bans.yaml.
type Ban struct {
	IP string
	// BannedAt is the ISO 8601 time Home Assistant records.
	BannedAt string
}

// External is an OAuth2 authorization response that reached
// /auth/external/callback with a state the core signed (see
// OpCreateExternalState): the embedder resumes its flow FlowID with it, as
// Home Assistant resumes the config entry flow. Exactly one of Code and
// Error is set.
type External struct {
	FlowID string
	// Code is the authorization code the provider sent.
	Code *string
	// Error is the provider's error parameter.
	Error *string
	// State is the verified state's claims as a JSON object, such as
	// {"flow_id": ..., "redirect_uri": ...}.
	State []byte
}

// Log is a line for the host's log. It never holds a secret.
type Log struct {
	Level   LogLevel
	Message string
}

// LogLevel is a log line's severity.
type LogLevel string

// The log levels.
const (
	LogDebug   LogLevel = "debug"
	LogInfo    LogLevel = "info"
	LogWarning LogLevel = "warning"
	LogError   LogLevel = "error"
)

// Result answers the Call with the same ID: Value is JSON, or Error says
// why the call failed.
type Result struct {
	ID    uint64
	Value []byte
	Error *CallError
}

// CallError is a failed Call.
type CallError struct {
	Code    string
	Message string
}

func (e *CallError) Error() string { return e.Code + ": " + e.Message }

// Fatal means the core cannot go on with what it was given, such as a
// stored file that does not parse. The host must stop without writing
// anything.
type Fatal struct {
	Path    string
	Message string
}
