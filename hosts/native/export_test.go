package native

import "testing"

// SetJournalHardBytes sets the journal size at which the host snapshots
// even with effects outstanding, until the test and its hosts are done:
// call it before the test opens a host.
func SetJournalHardBytes(t *testing.T, n int) {
	old := journalHardBytes
	journalHardBytes = n
	t.Cleanup(func() { journalHardBytes = old })
}
