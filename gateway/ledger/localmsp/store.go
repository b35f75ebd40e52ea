package localmsp

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/udiledger/udiledger/gateway/ledger"
)

// Store holds the organisations and users kept under one directory:
//
//	<dir>/<Org>/mspid               the MSP ID
//	<dir>/<Org>/ca/cert.pem, key.pem
//	<dir>/<Org>/users/<user>/cert.pem, key.pem
type Store struct {
	dir string

	mu   sync.Mutex
	orgs map[string]*org // by organisation name
}

type org struct {
	name  string
	mspID string
	ca    *keyPair
	users map[string]*keyPair
}

// Open loads the organisations under dir and creates what orgs names but is missing: a new
// directory gets new authorities and users, an existing one is read back unchanged.
// Organisations already in dir but not in orgs are loaded too.
func Open(dir string, orgs []OrgSpec) (*Store, error) {
	s := &Store{dir: dir, orgs: map[string]*org{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localmsp: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("localmsp: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		o, err := loadOrg(filepath.Join(dir, e.Name()), e.Name())
		if errors.Is(err, fs.ErrNotExist) {
			continue // not an organisation directory
		}
		if err != nil {
			return nil, err
		}
		s.orgs[o.name] = o
	}
	for _, spec := range orgs {
		if err := s.ensureOrg(spec); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) ensureOrg(spec OrgSpec) error {
	if spec.Name == "" || strings.ContainsAny(spec.Name, `/\`) {
		return fmt.Errorf("localmsp: invalid organisation name %q", spec.Name)
	}
	if spec.MSPID == "" {
		spec.MSPID = spec.Name + "MSP"
	}
	o, ok := s.orgs[spec.Name]
	if !ok {
		ca, err := newCA(spec, time.Now())
		if err != nil {
			return err
		}
		o = &org{name: spec.Name, mspID: spec.MSPID, ca: ca, users: map[string]*keyPair{}}
		base := filepath.Join(s.dir, spec.Name)
		if err := writePair(filepath.Join(base, "ca"), ca); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(base, "mspid"), []byte(spec.MSPID+"\n"), 0o600); err != nil {
			return fmt.Errorf("localmsp: %w", err)
		}
		s.orgs[spec.Name] = o
	} else if o.mspID != spec.MSPID {
		return fmt.Errorf("localmsp: organisation %s has MSP ID %s on disk, not %s", spec.Name, o.mspID, spec.MSPID)
	}
	for _, u := range spec.Users {
		if _, err := s.ensureUser(o, u); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ensureUser(o *org, u UserSpec) (*keyPair, error) {
	if u.Name == "" || strings.ContainsAny(u.Name, `/\`) {
		return nil, fmt.Errorf("localmsp: invalid user name %q", u.Name)
	}
	if kp, ok := o.users[u.Name]; ok {
		return kp, nil
	}
	kp, err := newUser(o.ca, OrgSpec{Name: o.name, MSPID: o.mspID}, u, time.Now())
	if err != nil {
		return nil, err
	}
	if err := writePair(filepath.Join(s.dir, o.name, "users", u.Name), kp); err != nil {
		return nil, err
	}
	o.users[u.Name] = kp
	return kp, nil
}

// AddUser creates a user in an existing organisation, or returns the one already there
// (whose attributes are then those it was created with).
func (s *Store) AddUser(orgName string, u UserSpec) (*ledger.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[orgName]
	if !ok {
		return nil, fmt.Errorf("localmsp: unknown organisation %q", orgName)
	}
	kp, err := s.ensureUser(o, u)
	if err != nil {
		return nil, err
	}
	return identity(o, u.Name, kp), nil
}

// Identity returns the identity named "Org/user".
func (s *Store) Identity(name string) (*ledger.Identity, error) {
	orgName, user, ok := strings.Cut(name, "/")
	if !ok {
		return nil, fmt.Errorf("localmsp: identity %q is not Org/user", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[orgName]
	if !ok {
		return nil, fmt.Errorf("localmsp: unknown organisation %q", orgName)
	}
	kp, ok := o.users[user]
	if !ok {
		return nil, fmt.Errorf("localmsp: unknown user %q in %s", user, orgName)
	}
	return identity(o, user, kp), nil
}

// Identities lists the names of all identities, "Org/user", sorted.
func (s *Store) Identities() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, o := range s.orgs {
		for u := range o.users {
			names = append(names, o.name+"/"+u)
		}
	}
	sort.Strings(names)
	return names
}

// MSPs returns the trust roots of every organisation, sorted by MSP ID.
func (s *Store) MSPs() []MSP {
	s.mu.Lock()
	defer s.mu.Unlock()
	msps := make([]MSP, 0, len(s.orgs))
	for _, o := range s.orgs {
		msps = append(msps, MSP{ID: o.mspID, RootCerts: [][]byte{o.ca.certPEM}})
	}
	sort.Slice(msps, func(i, j int) bool { return msps[i].ID < msps[j].ID })
	return msps
}

func identity(o *org, user string, kp *keyPair) *ledger.Identity {
	return &ledger.Identity{
		Name:        o.name + "/" + user,
		MSPID:       o.mspID,
		Certificate: append([]byte(nil), kp.certPEM...),
		PrivateKey:  append([]byte(nil), kp.keyPEM...),
	}
}

func loadOrg(dir, name string) (*org, error) {
	id, err := os.ReadFile(filepath.Join(dir, "mspid")) // #nosec G304 -- inside the store's own directory
	if err != nil {
		return nil, err
	}
	ca, err := readPair(filepath.Join(dir, "ca"))
	if err != nil {
		return nil, err
	}
	o := &org{name: name, mspID: strings.TrimSpace(string(id)), ca: ca, users: map[string]*keyPair{}}
	users, err := os.ReadDir(filepath.Join(dir, "users"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("localmsp: %w", err)
	}
	for _, u := range users {
		kp, err := readPair(filepath.Join(dir, "users", u.Name()))
		if err != nil {
			return nil, err
		}
		o.users[u.Name()] = kp
	}
	return o, nil
}

func writePair(dir string, kp *keyPair) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("localmsp: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), kp.certPEM, 0o600); err != nil {
		return fmt.Errorf("localmsp: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), kp.keyPEM, 0o600); err != nil {
		return fmt.Errorf("localmsp: %w", err)
	}
	return nil
}

func readPair(dir string) (*keyPair, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, "cert.pem")) // #nosec G304 -- inside the store's own directory
	if err != nil {
		return nil, fmt.Errorf("localmsp: %w", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "key.pem")) // #nosec G304 -- inside the store's own directory
	if err != nil {
		return nil, fmt.Errorf("localmsp: %w", err)
	}
	return parseKeyPair(certPEM, keyPEM)
}
