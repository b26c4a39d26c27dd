package authstore

import "slices"

// changes records what changed since the last TakeChanges, so that the
// core can make every change a reply reports durable before the reply.
// Token use (last use, sliding expiry) is not recorded: Home Assistant
// writes it with a delay and so does hassauth.
type changes struct {
	users         map[string]bool
	removedUsers  map[string]bool
	tokens        map[string]bool
	removedTokens map[string]bool
}

func (s *Store) touchUser(id string) {
	if s.changes.users == nil {
		s.changes.users = map[string]bool{}
	}
	s.changes.users[id] = true
}

func (s *Store) touchToken(id string) {
	if s.changes.tokens == nil {
		s.changes.tokens = map[string]bool{}
	}
	s.changes.tokens[id] = true
}

func (s *Store) noteRemovedToken(id string) {
	delete(s.changes.tokens, id)
	if s.changes.removedTokens == nil {
		s.changes.removedTokens = map[string]bool{}
	}
	s.changes.removedTokens[id] = true
}

func (s *Store) noteRemovedUser(id string) {
	delete(s.changes.users, id)
	if s.changes.removedUsers == nil {
		s.changes.removedUsers = map[string]bool{}
	}
	s.changes.removedUsers[id] = true
}

// Touch records a change made to a user's fields or credentials outside
// the store's methods.
func (s *Store) Touch(u *User) { s.touchUser(u.ID) }

// TouchToken records a change made to a token's fields outside the store's
// methods.
func (s *Store) TouchToken(t *RefreshToken) { s.touchToken(t.ID) }

// Changes lists what changed, each list sorted by id.
type Changes struct {
	Users         []*User
	RemovedUsers  []string
	Tokens        []*RefreshToken
	RemovedTokens []string
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Users) == 0 && len(c.RemovedUsers) == 0 && len(c.Tokens) == 0 && len(c.RemovedTokens) == 0
}

// TakeChanges returns the changes since the last call and forgets them.
func (s *Store) TakeChanges() Changes {
	var out Changes
	if s.changes.users == nil && s.changes.tokens == nil && s.changes.removedUsers == nil && s.changes.removedTokens == nil {
		return out
	}
	for id := range s.changes.users {
		if u := s.usersByID[id]; u != nil {
			out.Users = append(out.Users, u)
		}
	}
	for id := range s.changes.tokens {
		if t := s.tokens[id]; t != nil {
			out.Tokens = append(out.Tokens, t)
		}
	}
	for id := range s.changes.removedUsers {
		out.RemovedUsers = append(out.RemovedUsers, id)
	}
	for id := range s.changes.removedTokens {
		out.RemovedTokens = append(out.RemovedTokens, id)
	}
	slices.SortFunc(out.Users, func(a, b *User) int { return cmpString(a.ID, b.ID) })
	slices.SortFunc(out.Tokens, func(a, b *RefreshToken) int { return cmpString(a.ID, b.ID) })
	slices.Sort(out.RemovedUsers)
	slices.Sort(out.RemovedTokens)
	s.changes = changes{}
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
