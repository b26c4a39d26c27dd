package native

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hassauth/hassauth/core"
)

// storedPaths are the documents a Host hands the core at start.
var storedPaths = []string{core.PathAuth, core.PathProvider, core.PathTOTP, core.PathNotify, core.PathJournal}

// readStored reads the stored documents that exist.
func readStored(dir string) ([]core.File, error) {
	var files []core.File
	for _, p := range storedPaths {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		files = append(files, core.File{Path: p, Data: b})
	}
	return files, nil
}

// safePath resolves a document path from the core inside dir, refusing
// anything that would leave it.
func safePath(dir, rel string) (string, error) {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("refusing to write outside the configuration directory: %q", rel)
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), nil
}

// writeAtomic replaces a file durably: a temporary file beside it, synced,
// renamed over it, and the directory synced, so that a crash leaves either
// the old document or the new one, never a mix.
func writeAtomic(dir, rel string, data []byte, private bool) error {
	path, err := safePath(dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if private {
		mode = 0o600
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return syncDir(filepath.Dir(path))
}

// appendSync appends to a file and syncs it.
func appendSync(dir, rel string, data []byte, private bool) error {
	path, err := safePath(dir, rel)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if private {
		mode = 0o600
	}
	info, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, mode)
	if err != nil {
		return err
	}
	// The mode only applies when the file is created: a private file that
	// exists with a looser one (copied in, restored from a backup) is
	// tightened before a secret is added to it.
	if statErr == nil && private && info.Mode().Perm() != mode {
		if err := f.Chmod(mode); err != nil {
			f.Close()
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// lockFile is the file a Host locks so that two hosts (or the command-line
// tools and a running server) never write one directory at once.
const lockFile = ".storage/.hassauth.lock"

// ErrLocked is returned when another process holds the configuration
// directory.
var ErrLocked = errors.New("the configuration directory is in use by another hassauth process (a running server?)")

// lockDir takes the directory's lock without waiting.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, filepath.FromSlash(lockFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return f, nil
}
