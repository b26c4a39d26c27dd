// Command hassauth serves Home Assistant's auth API from a Home Assistant
// configuration directory and manages its users and tokens.
//
//	hassauth serve [--config DIR] [--listen ADDR] [--engine native|wasm] [--wasm-module FILE]
//	hassauth user add --config DIR --username U --password P [--name N] [--group G]
//	hassauth user list|passwd|remove ...
//	hassauth token list|revoke ...
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/native/pages"
)

const usage = `hassauth: Home Assistant's auth API, standalone.

Usage:
  hassauth serve [--config DIR] [--listen ADDR] [--engine native|wasm] [--wasm-module FILE]
  hassauth user add --username U --password P [--name N] [--group G] [--local-only] [--config DIR]
  hassauth user list [--config DIR]
  hassauth user passwd --username U --password P [--config DIR]
  hassauth user remove --username U [--config DIR]
  hassauth token list [--config DIR]
  hassauth token revoke ID [--config DIR]

Run "hassauth <command> --help" for a command's options.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// engines maps --engine values to engine factories; the WebAssembly engine
// registers itself from wasm.go.
var engines = map[string]native.EngineFactory{"native": native.NativeEngine}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "user":
		return userCmd(args[1:], stdout, stderr)
	case "token":
		return tokenCmd(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "hassauth: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func newFlags(name, synopsis string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("config", "./config", "Home Assistant configuration `directory`")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hassauth %s\n\nOptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs, dir
}

// parse parses flags, which may come before or after positional
// arguments; it returns -1 to go on, or an exit code.
func parse(fs *flag.FlagSet, args []string) int {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fs.Parse(append([]string{"--"}, positional...))
	return -1
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs, dir := newFlags("serve", "serve [--config DIR] [--listen ADDR] [--engine native|wasm]", stderr)
	listen := fs.String("listen", "127.0.0.1:8123", "`address` to listen on")
	engine := fs.String("engine", "native", "engine to run the core on: native or wasm")
	fs.StringVar(&wasmModule, "wasm-module", "", "WebAssembly `module` for --engine wasm (default: hassauth.wasm beside the executable)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	factory, ok := engines[*engine]
	if !ok {
		fmt.Fprintf(stderr, "hassauth: unknown engine %q\n", *engine)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	h, err := native.Open(native.Options{ConfigDir: *dir, Engine: factory, Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		h.Close()
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		return 1
	}
	// Signals are caught before the server says it is ready, so that a
	// SIGTERM sent as soon as it is always flushes and exits cleanly.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	// A request's headers must come within 10 s and its body within the
	// host's own limit; an idle keep-alive connection is closed after two
	// minutes, so that clients cannot hold sockets without using them.
	srv := &http.Server{Handler: pages.New(h), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	code := 0
	select {
	case <-sig:
	case err := <-errc:
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		code = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	if err := h.Close(); err != nil {
		fmt.Fprintf(stderr, "hassauth: flushing stored documents: %v\n", err)
		return 1
	}
	return code
}

// offline opens the directory for a management command; it refuses while
// a server holds it.
func offline(dir string, stderr io.Writer) (*native.Host, bool) {
	h, err := native.Open(native.Options{ConfigDir: dir, Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		return nil, false
	}
	return h, true
}

func call(h *native.Host, op string, args any, stderr io.Writer) ([]byte, bool) {
	var raw []byte
	if args != nil {
		raw, _ = json.Marshal(args)
	}
	out, err := h.Call(context.Background(), op, raw)
	if err != nil {
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		return nil, false
	}
	return out, true
}

// finish closes the host (writing what the command changed) and returns
// the exit code.
func finish(h *native.Host, ok bool, stderr io.Writer) int {
	if err := h.Close(); err != nil {
		fmt.Fprintf(stderr, "hassauth: %v\n", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

const userUsage = `Usage:
  hassauth user add --username U --password P [--name N] [--group G] [--local-only] [--config DIR]
  hassauth user list [--config DIR]
  hassauth user passwd --username U --password P [--config DIR]
  hassauth user remove --username U [--config DIR]

Run "hassauth user <command> --help" for a command's options.
`

const tokenUsage = `Usage:
  hassauth token list [--config DIR]
  hassauth token revoke ID [--config DIR]

Run "hassauth token <command> --help" for a command's options.
`

// groupHelp answers a command group run without a subcommand or with a
// help flag; it returns -1 when a subcommand follows.
func groupHelp(args []string, text string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, text)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, text)
		return 0
	}
	return -1
}

func userCmd(args []string, stdout, stderr io.Writer) int {
	if code := groupHelp(args, userUsage, stdout, stderr); code >= 0 {
		return code
	}
	switch args[0] {
	case "add":
		fs, dir := newFlags("user add", "user add --username U --password P [--name N] [--group G] [--local-only] [--config DIR]", stderr)
		username := fs.String("username", "", "login `name` (lower case, no spaces)")
		password := fs.String("password", "", "`password`")
		name := fs.String("name", "", "display `name` (defaults to the username)")
		group := fs.String("group", "", "system-admin, system-users or system-read-only (the first user is the owner, in system-admin)")
		localOnly := fs.Bool("local-only", false, "only allow logins from the local network")
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		if *username == "" || *password == "" {
			fmt.Fprintln(stderr, "hassauth: --username and --password are required")
			return 2
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		a := map[string]any{"username": *username, "password": *password, "local_only": *localOnly}
		if *name != "" {
			a["name"] = *name
		}
		if *group != "" {
			a["group"] = *group
		}
		out, ok := call(h, core.OpCreateUser, a, stderr)
		if ok {
			var u struct {
				ID      string `json:"id"`
				IsOwner bool   `json:"is_owner"`
			}
			json.Unmarshal(out, &u)
			owner := ""
			if u.IsOwner {
				owner = " (owner)"
			}
			fmt.Fprintf(stdout, "created user %s%s\n", u.ID, owner)
		}
		return finish(h, ok, stderr)
	case "list":
		fs, dir := newFlags("user list", "user list [--config DIR]", stderr)
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		out, ok := call(h, core.OpListUsers, nil, stderr)
		if ok {
			var users []struct {
				ID       string   `json:"id"`
				Username *string  `json:"username"`
				Name     *string  `json:"name"`
				IsOwner  bool     `json:"is_owner"`
				IsActive bool     `json:"is_active"`
				System   bool     `json:"system_generated"`
				Groups   []string `json:"group_ids"`
			}
			json.Unmarshal(out, &users)
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tGROUPS\tFLAGS")
			for _, u := range users {
				var flags []string
				if u.IsOwner {
					flags = append(flags, "owner")
				}
				if !u.IsActive {
					flags = append(flags, "inactive")
				}
				if u.System {
					flags = append(flags, "system")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, deref(u.Username), deref(u.Name), strings.Join(u.Groups, ","), strings.Join(flags, ","))
			}
			tw.Flush()
		}
		return finish(h, ok, stderr)
	case "passwd":
		fs, dir := newFlags("user passwd", "user passwd --username U --password P [--config DIR]", stderr)
		username := fs.String("username", "", "login `name`")
		password := fs.String("password", "", "new `password`")
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		if *username == "" || *password == "" {
			fmt.Fprintln(stderr, "hassauth: --username and --password are required")
			return 2
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		_, ok = call(h, core.OpSetPassword, map[string]string{"username": *username, "password": *password}, stderr)
		if ok {
			fmt.Fprintf(stdout, "password changed for %s\n", *username)
		}
		return finish(h, ok, stderr)
	case "remove":
		fs, dir := newFlags("user remove", "user remove --username U [--config DIR]", stderr)
		username := fs.String("username", "", "login `name` of the user to remove")
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		if *username == "" {
			fmt.Fprintln(stderr, "hassauth: --username is required")
			return 2
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		_, ok = call(h, core.OpRemoveUser, map[string]string{"username": *username}, stderr)
		if ok {
			fmt.Fprintf(stdout, "removed %s\n", *username)
		}
		return finish(h, ok, stderr)
	}
	fmt.Fprintf(stderr, "hassauth: unknown user command %q\n\n%s", args[0], userUsage)
	return 2
}

func tokenCmd(args []string, stdout, stderr io.Writer) int {
	if code := groupHelp(args, tokenUsage, stdout, stderr); code >= 0 {
		return code
	}
	switch args[0] {
	case "list":
		fs, dir := newFlags("token list", "token list [--config DIR]", stderr)
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		out, ok := call(h, core.OpListTokens, nil, stderr)
		if ok {
			var tokens []struct {
				ID         string  `json:"id"`
				UserName   *string `json:"user_name"`
				Type       string  `json:"type"`
				ClientID   *string `json:"client_id"`
				ClientName *string `json:"client_name"`
				LastUsedAt *string `json:"last_used_at"`
			}
			json.Unmarshal(out, &tokens)
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSER\tTYPE\tCLIENT\tLAST USED")
			for _, t := range tokens {
				client := deref(t.ClientID)
				if client == "" {
					client = deref(t.ClientName)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, deref(t.UserName), t.Type, client, deref(t.LastUsedAt))
			}
			tw.Flush()
		}
		return finish(h, ok, stderr)
	case "revoke":
		fs, dir := newFlags("token revoke", "token revoke ID [--config DIR]", stderr)
		if code := parse(fs, args[1:]); code >= 0 {
			return code
		}
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "hassauth: token revoke takes one token ID")
			return 2
		}
		h, ok := offline(*dir, stderr)
		if !ok {
			return 1
		}
		_, ok = call(h, core.OpRevokeToken, map[string]string{"id": fs.Arg(0)}, stderr)
		if ok {
			fmt.Fprintf(stdout, "revoked %s\n", fs.Arg(0))
		}
		return finish(h, ok, stderr)
	}
	fmt.Fprintf(stderr, "hassauth: unknown token command %q\n\n%s", args[0], tokenUsage)
	return 2
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
