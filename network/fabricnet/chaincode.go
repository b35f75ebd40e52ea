package fabricnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// chaincodeSpec is one chaincode the network runs as a service, one server per organisation:
// ours (UDI Ledger) or the reference chaincode. Both go through the same build, install,
// start, approve, commit and readiness steps.
type chaincodeSpec struct {
	name   string // on the channel
	main   string // package of the server's main, built into RunDir/bin
	binary string // prebuilt server; empty: built from main
	// daemon, server and profile give an organisation's server: daemon name, listen address,
	// pprof address.
	daemon, server, profile func(orgLayout) string
	collections             bool // the chaincode definition carries the network's collections
}

// udiChaincode is the UDI Ledger chaincode.
func (u *upper) udiChaincode() chaincodeSpec {
	return chaincodeSpec{
		name: u.cfg.Chaincode, main: "./chaincode/cmd/udi-chaincode", binary: u.cfg.ChaincodeBinary,
		daemon:      chaincodeDaemon,
		server:      func(o orgLayout) string { return o.ChaincodeServer },
		profile:     func(o orgLayout) string { return o.ChaincodeProfile },
		collections: true,
	}
}

func (u *upper) binary(ctx context.Context, cc chaincodeSpec) (string, error) {
	if cc.binary != "" {
		return cc.binary, nil
	}
	bin := u.path("bin", filepath.Base(cc.main))
	// #nosec G204 -- builds one of the project's own chaincode mains
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, cc.main)
	cmd.Dir = u.cfg.ModuleRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w: %s", cc.main, err, bytes.TrimSpace(out))
	}
	return bin, nil
}

// chaincodeServers packages and installs the chaincode on every organisation's peer, starts
// one server per organisation and returns the package IDs by organisation name.
func (u *upper) chaincodeServers(ctx context.Context, cc chaincodeSpec) (map[string]string, error) {
	bin, err := u.binary(ctx, cc)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	var mu sync.Mutex
	if err := u.eachOrg(func(o orgLayout) error {
		id, err := u.install(ctx, o, cc)
		mu.Lock()
		ids[o.Name] = id
		mu.Unlock()
		return err
	}); err != nil {
		return nil, err
	}
	var ds []daemon
	var ready []func(context.Context) error
	for _, o := range u.orgs {
		env := []string{
			"CHAINCODE_ID=" + ids[o.Name],
			"CHAINCODE_SERVER_ADDRESS=" + cc.server(o),
			"UDI_PPROF_ADDRESS=" + cc.profile(o),
		}
		if !u.cfg.DisableChaincodeTLS {
			env = append(env,
				"CHAINCODE_TLS_CERT="+filepath.Join(o.ccDir, "server", "server.crt"),
				"CHAINCODE_TLS_KEY="+filepath.Join(o.ccDir, "server", "server.key"),
				"CHAINCODE_TLS_CLIENT_CA="+o.TLSCACert,
			)
		}
		ds = append(ds, daemon{Name: cc.daemon(o), Bin: bin, Env: env})
		ready = append(ready, dialCheck(cc.server(o)))
	}
	return ids, u.startAll(ctx, ds, ready)
}

// install writes the organisation's package of the chaincode, installs it on its peer when
// missing and returns the package ID.
func (u *upper) install(ctx context.Context, o orgLayout, cc chaincodeSpec) (string, error) {
	conn := connection{Address: cc.server(o), DialTimeout: "10s"}
	if !u.cfg.DisableChaincodeTLS {
		read := func(name string) (string, error) {
			b, err := os.ReadFile(filepath.Join(o.ccDir, name)) // #nosec G304 -- TLS files issued by crypto
			return string(b), err
		}
		var err error
		conn.TLSRequired, conn.ClientAuthRequired = true, true
		if conn.RootCert, err = read("server/ca.crt"); err != nil {
			return "", err
		}
		if conn.ClientCert, err = read("client/server.crt"); err != nil {
			return "", err
		}
		if conn.ClientKey, err = read("client/server.key"); err != nil {
			return "", err
		}
	}
	label := cc.name + "_" + chaincodeVersion
	pkg, err := chaincodePackage(label, conn)
	if err != nil {
		return "", err
	}
	file := filepath.Join(o.ccDir, label+".tar.gz")
	if err := writeFile(file, pkg, 0o600); err != nil {
		return "", err
	}
	out, err := u.peerCLI(ctx, o, "lifecycle", "chaincode", "calculatepackageid", file)
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(out))
	out, err = u.peerCLI(ctx, o, "lifecycle", "chaincode", "queryinstalled", "--output", "json")
	if err != nil {
		return "", err
	}
	var installed struct {
		Installed []struct {
			PackageID string `json:"package_id"`
		} `json:"installed_chaincodes"`
	}
	if err := json.Unmarshal(out, &installed); err != nil {
		return "", fmt.Errorf("queryinstalled: %w", err)
	}
	for _, c := range installed.Installed {
		if c.PackageID == id {
			return id, nil
		}
	}
	if _, err := u.peerCLI(ctx, o, "lifecycle", "chaincode", "install", file); err != nil {
		return "", err
	}
	return id, nil
}

// definitionArgs are the flags that name the chaincode definition, the same for every org.
// Every chaincode of the network has the same endorsement policy: Config.EndorsementPolicy,
// or the channel's MAJORITY Endorsement when it is empty.
func (u *upper) definitionArgs(cc chaincodeSpec) []string {
	args := []string{"--channelID", u.cfg.Channel, "--name", cc.name,
		"--version", chaincodeVersion, "--sequence", sequence}
	if cc.collections {
		args = append(args, "--collections-config", u.path("config", "collections.json"))
	}
	if u.cfg.EndorsementPolicy != "" {
		args = append(args, "--signature-policy", u.cfg.EndorsementPolicy)
	}
	return args
}

// define approves the chaincode definition for every organisation and commits it.
func (u *upper) define(ctx context.Context, cc chaincodeSpec, packageIDs map[string]string) error {
	first := u.orgs[0]
	if u.committed(ctx, cc) {
		return nil
	}
	// Each attempt first checks whether the previous one took effect after all.
	if err := u.eachOrg(func(o orgLayout) error {
		args := append([]string{"lifecycle", "chaincode", "approveformyorg",
			"--package-id", packageIDs[o.Name]}, u.definitionArgs(cc)...)
		args = append(args, u.ordererArgs()...)
		return retry(ctx, 30*time.Second, func() error {
			if _, err := u.peerCLI(ctx, o, "lifecycle", "chaincode", "queryapproved",
				"--channelID", u.cfg.Channel, "--name", cc.name, "--sequence", sequence); err == nil {
				return nil
			}
			_, err := u.peerCLI(ctx, o, args...)
			return err
		})
	}); err != nil {
		return fmt.Errorf("approve: %w", err)
	}
	args := append([]string{"lifecycle", "chaincode", "commit"}, u.definitionArgs(cc)...)
	args = append(args, u.ordererArgs()...)
	for _, o := range u.orgs {
		args = append(args, "--peerAddresses", o.Peer.Endpoint, "--tlsRootCertFiles", o.TLSCACert)
	}
	return retry(ctx, 30*time.Second, func() error {
		if u.committed(ctx, cc) {
			return nil
		}
		_, err := u.peerCLI(ctx, first, args...)
		return err
	})
}

func (u *upper) committed(ctx context.Context, cc chaincodeSpec) bool {
	_, err := u.peerCLI(ctx, u.orgs[0], "lifecycle", "chaincode", "querycommitted",
		"--channelID", u.cfg.Channel, "--name", cc.name)
	return err == nil
}

// ready evaluates the contract metadata on every peer, which makes each peer dial its
// chaincode server once, so the first client call does not pay for it.
func (u *upper) ready(ctx context.Context, cc chaincodeSpec) error {
	return u.eachOrg(func(o orgLayout) error {
		return retry(ctx, 30*time.Second, func() error {
			_, err := u.peerCLI(ctx, o, "chaincode", "query", "--channelID", u.cfg.Channel,
				"--name", cc.name, "--ctor", `{"Args":["org.hyperledger.fabric:GetMetadata"]}`)
			return err
		})
	})
}
