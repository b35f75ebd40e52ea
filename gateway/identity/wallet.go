package identity

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/ledger/localmsp"
)

// Wallet keeps enrolled identities on disk, one MSP folder per person:
//
//	<Dir>/<MSP ID>/<name>/msp/signcerts/cert.pem   the enrolment certificate (PEM)
//	<Dir>/<MSP ID>/<name>/msp/keystore/key.pem     its private key (PEM PKCS#8, mode 0600)
//	<Dir>/<MSP ID>/<name>/msp/cacerts/ca.pem       the CA chain it was issued under
//
// so that Fabric's own tools (the peer CLI's CORE_PEER_MSPCONFIGPATH) can use a folder too.
type Wallet struct {
	Dir string
}

// MSPDir is the MSP folder of an identity.
func (w Wallet) MSPDir(mspID, name string) string {
	return filepath.Join(w.Dir, mspID, name, "msp")
}

func (w Wallet) certFile(mspID, name string) string {
	return filepath.Join(w.MSPDir(mspID, name), "signcerts", "cert.pem")
}

func (w Wallet) keyFile(mspID, name string) string {
	return filepath.Join(w.MSPDir(mspID, name), "keystore", "key.pem")
}

// Get returns an enrolled identity, or an error that is ErrNotEnrolled.
func (w Wallet) Get(mspID, name string) (*ledger.Identity, error) {
	if err := checkPathElem("MSP ID", mspID); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	cert, err := os.ReadFile(w.certFile(mspID, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("identity: %s of %s: %w (in %s)", name, mspID, ErrNotEnrolled, w.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	key, err := os.ReadFile(w.keyFile(mspID, name))
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	if _, err := localmsp.ParseCertificate(cert); err != nil {
		return nil, fmt.Errorf("identity: %s of %s: %w", name, mspID, err)
	}
	if _, err := localmsp.ParsePrivateKey(key); err != nil {
		return nil, fmt.Errorf("identity: %s of %s: %w", name, mspID, err)
	}
	return &ledger.Identity{Name: label(mspID, name), MSPID: mspID, Certificate: cert, PrivateKey: key}, nil
}

// Names lists the enrolled identities of an organisation, sorted.
func (w Wallet) Names(mspID string) ([]string, error) {
	if err := checkPathElem("MSP ID", mspID); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(w.Dir, mspID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(w.certFile(mspID, e.Name())); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// put stores an identity; the key is written before the certificate, which marks the
// identity as present.
func (w Wallet) put(id *ledger.Identity, name string, caChain []byte) error {
	dir := w.MSPDir(id.MSPID, name)
	files := []struct {
		path string
		data []byte
	}{
		{filepath.Join(dir, "keystore", "key.pem"), id.PrivateKey},
		{filepath.Join(dir, "cacerts", "ca.pem"), caChain},
		{filepath.Join(dir, "signcerts", "cert.pem"), id.Certificate},
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
			return fmt.Errorf("wallet: %w", err)
		}
		if err := writeAtomic(f.path, f.data); err != nil {
			return fmt.Errorf("wallet: %w", err)
		}
	}
	return nil
}

// writeAtomic replaces path with data (mode 0600) through a temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}
